package study

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/zeebo/xxh3"
	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// MarkFile is a combination folder's completion mark: written last, it
// lists every other file of the folder with its size and its xxh3-128
// checksum, and names the build of go-dht that wrote them. A combination
// is complete when its folder verifies against its mark (Verify): a
// truncated, deleted or edited file, or a folder without a mark, is not.
const MarkFile = "complete.yaml"

// mark is the content of MarkFile.
type mark struct {
	// Build names the go-dht that wrote the folder (buildName).
	Build string `yaml:"build"`
	// Files are the folder's files but the mark, by name.
	Files []markEntry `yaml:"files"`
}

type markEntry struct {
	Name  string `yaml:"name"`
	Bytes int64  `yaml:"bytes"`
	XXH3  string `yaml:"xxh3_128"`
}

// requiredFiles are in every combination folder, whatever its workload.
var requiredFiles = []string{"params.yaml", "summary.csv"}

// errNoFolder says that a combination has no folder at all: it has not
// run, which is no damage.
var errNoFolder = errors.New("no folder")

// writeMark writes dir's completion mark: every regular file of dir, with
// its size and checksum, and the build.
func writeMark(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	m := mark{Build: buildName()}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == MarkFile || report.IsTemporary(e.Name()) {
			continue
		}
		size, sum, err := checksum(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		m.Files = append(m.Files, markEntry{Name: e.Name(), Bytes: size, XXH3: sum})
	}
	return report.WriteFile(filepath.Join(dir, MarkFile), func(w io.Writer) error {
		if _, err := io.WriteString(w, "# go-dht: this combination is complete when every file below has its size and checksum\n"); err != nil {
			return err
		}
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(&m); err != nil {
			return err
		}
		return enc.Close()
	})
}

// checksum returns the size and the xxh3-128 checksum, in hex, of a file.
func checksum(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := xxh3.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	sum := h.Sum128().Bytes()
	return n, hex.EncodeToString(sum[:]), nil
}

// readMark reads dir's completion mark.
func readMark(dir string) (*mark, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, errNoFolder
	}
	data, err := os.ReadFile(filepath.Join(dir, MarkFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no %s (the run that wrote it did not finish, or predates completion marks)", MarkFile)
	}
	if err != nil {
		return nil, err
	}
	var m mark
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s does not read: %v", MarkFile, err)
	}
	for _, name := range requiredFiles {
		if !slices.ContainsFunc(m.Files, func(e markEntry) bool { return e.Name == name }) {
			return nil, fmt.Errorf("%s does not list %s", MarkFile, name)
		}
	}
	for _, e := range m.Files {
		if e.Name != filepath.Base(e.Name) || e.Name == "." || e.Name == ".." || e.Name == MarkFile {
			return nil, fmt.Errorf("%s lists %q, not a file of the folder", MarkFile, e.Name)
		}
	}
	return &m, nil
}

// Verify checks a combination folder against its completion mark: every
// file it lists has its size and checksum. The error says what does not
// match, first the sizes (cheap), then the checksums.
func Verify(dir string) error {
	_, err := verify(dir, nil)
	return err
}

// verify is Verify, checking only the files named in only when it is not
// nil; it returns the mark.
func verify(dir string, only []string) (*mark, error) {
	m, err := readMark(dir)
	if err != nil {
		return nil, err
	}
	check := func(e markEntry) bool { return only == nil || slices.Contains(only, e.Name) }
	for _, e := range m.Files {
		if !check(e) {
			continue
		}
		st, err := os.Stat(filepath.Join(dir, e.Name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%s is missing", e.Name)
		case err != nil:
			return nil, err
		case st.Size() != e.Bytes:
			return nil, fmt.Errorf("%s has %d bytes, %s says %d", e.Name, st.Size(), MarkFile, e.Bytes)
		}
	}
	for _, e := range m.Files {
		if !check(e) {
			continue
		}
		_, sum, err := checksum(filepath.Join(dir, e.Name))
		if err != nil {
			return nil, err
		}
		if sum != e.XXH3 {
			return nil, fmt.Errorf("%s differs from the file %s lists (same size, other checksum: edited?)", e.Name, MarkFile)
		}
	}
	return m, nil
}

// buildName names the go-dht that runs: its module version, its VCS
// revision when the binary was built with one, and the Go version.
func buildName() string {
	const module = "github.com/go-dht/go-dht"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "go-dht (unknown build), " + runtime.Version()
	}
	version := ""
	if info.Main.Path == module {
		version = info.Main.Version
	}
	for _, d := range info.Deps {
		if d.Path == module {
			version = d.Version
		}
	}
	parts := []string{"go-dht " + cmp.Or(version, "(unknown version)")}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if modified == "true" {
			rev += " (modified)"
		}
		parts = append(parts, "revision "+rev)
	}
	return strings.Join(append(parts, info.GoVersion), ", ")
}
