package study

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxNamed bounds the combinations an error names one by one.
const maxNamed = 20

// Merge joins the output folders of shards of one study into dir: it
// checks that they hold the same study, copies every combination folder
// that verifies (Verify) into dir, and writes dir's summary and charts.
// A combination is taken from the first folder, dir itself included
// (merging again completes an earlier merge), whose copy verifies; a
// damaged copy is skipped and named in the Outcome's notes. Copies of
// one combination in two folders differ at least in wall_s.
//
// When some combinations are in no folder given, or in none that
// verifies, Merge still writes the report of the others, and returns an
// error wrapping ErrIncomplete that names the missing ones.
func Merge(dir string, shards ...string) (*Outcome, error) {
	lock, err := lockOut(dir, "merges shards")
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	var s *Study
	for _, sh := range shards {
		data, err := os.ReadFile(filepath.Join(sh, StudyFile))
		if err != nil {
			return nil, fmt.Errorf("%s is not the output of a study: %w", sh, err)
		}
		if s == nil {
			if s, err = Parse(filepath.Join(sh, StudyFile), data); err != nil {
				return nil, err
			}
		}
		// Every shard, the first too, must have run with the latency
		// files as they are now.
		if string(withoutCharts(data)) != string(withoutCharts(s.Identity())) {
			if err := s.latencyChange(data); err != nil {
				return nil, fmt.Errorf("%s: %w", sh, err)
			}
			return nil, fmt.Errorf("%s holds another study than %s", sh, shards[0])
		}
	}
	if s == nil {
		return nil, errors.New("merge: no shard folder given")
	}
	if err := Claim(s, dir); err != nil {
		return nil, err
	}
	out := &Outcome{Total: s.Len()}
	if lock.Warning != "" {
		out.Notes = append(out.Notes, lock.Warning)
	}
	var missing []string
	for i := range s.Len() {
		c := s.Combination(i)
		dst := filepath.Join(dir, c.Name)
		err := Verify(dst)
		if err == nil {
			out.Ran++
			continue
		}
		if !errors.Is(err, errNoFolder) {
			out.Notes = append(out.Notes, fmt.Sprintf("%s did not verify (%v): replaced by a clean copy when a folder given has one", dst, err))
		}
		taken := false
		for _, sh := range shards {
			from := filepath.Join(sh, c.Name)
			m, err := verify(from, nil)
			if errors.Is(err, errNoFolder) {
				continue
			}
			if err != nil {
				out.Notes = append(out.Notes, fmt.Sprintf("%s did not verify (%v): not taken", from, err))
				continue
			}
			if err := copyCombination(from, dst, m); err != nil {
				return nil, err
			}
			taken = true
			break
		}
		if taken {
			out.Ran++
		} else {
			missing = append(missing, c.Name)
		}
	}
	files, err := WriteSummary(s, dir)
	out.Files = files
	if err != nil {
		return out, err
	}
	if len(missing) > 0 {
		named := missing
		more := ""
		if len(named) > maxNamed {
			named, more = named[:maxNamed], fmt.Sprintf(" and %d more", len(missing)-maxNamed)
		}
		return out, fmt.Errorf("%w: %d of %d combinations are in none of the folders given, or in none that verifies: %s%s; "+
			"the report in %s holds the %d others: merge the missing shards' folders into it", ErrIncomplete,
			len(missing), s.Len(), strings.Join(named, ", "), more, dir, out.Ran)
	}
	return out, nil
}

// copyCombination copies the verified combination folder from (whose mark
// is m) to to, atomically: the files its mark lists and the mark, into a
// temporary folder that is verified, then renamed into place (replacing a
// damaged folder there).
func copyCombination(from, to string, m *mark) error {
	tmp, err := os.MkdirTemp(filepath.Dir(to), "."+filepath.Base(to)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, e := range m.Files {
		if err := copyFile(filepath.Join(from, e.Name), filepath.Join(tmp, e.Name)); err != nil {
			return err
		}
	}
	if err := copyFile(filepath.Join(from, MarkFile), filepath.Join(tmp, MarkFile)); err != nil {
		return err
	}
	if err := Verify(tmp); err != nil {
		return fmt.Errorf("copy of %s: %w", from, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	return replaceFolder(tmp, to)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return nil
}
