package study

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Merge joins the output folders of shards of one study into dir: it
// checks that they hold the same study, copies every combination folder
// into dir, and writes dir's summary and charts. A combination found in two
// shards must be the same files.
func Merge(dir string, shards ...string) (*Outcome, error) {
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
		if string(data) != string(s.Identity()) {
			if err := s.latencyChange(data); err != nil {
				return nil, fmt.Errorf("%s: %w", sh, err)
			}
			return nil, fmt.Errorf("%s holds another study than %s", sh, shards[0])
		}
	}
	if err := Claim(s, dir); err != nil {
		return nil, err
	}
	out := &Outcome{Total: s.Len()}
	for i := range s.Len() {
		c := s.Combination(i)
		for _, sh := range shards {
			if !complete(sh, c) {
				continue
			}
			if err := copyCombination(filepath.Join(sh, c.Name), filepath.Join(dir, c.Name)); err != nil {
				return nil, err
			}
			out.Ran++
			break
		}
	}
	files, err := WriteSummary(s, dir)
	out.Files = files
	return out, err
}

// copyCombination copies a combination folder, atomically: into a
// temporary folder, renamed when complete. An existing destination is
// kept.
func copyCombination(from, to string) error {
	if _, err := os.Stat(to); err == nil {
		return nil
	}
	tmp, err := os.MkdirTemp(filepath.Dir(to), "."+filepath.Base(to)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if err := copyFile(filepath.Join(from, e.Name()), filepath.Join(tmp, e.Name())); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, to)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
