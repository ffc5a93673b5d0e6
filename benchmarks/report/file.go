package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-dht/go-dht/network"
)

// WriteFile writes path atomically with fill: a temporary file next to
// it, then a rename (see network.WriteFileAtomic).
func WriteFile(path string, fill func(io.Writer) error) error {
	return network.WriteFileAtomic(path, fill)
}

// WriteCSVFile writes a CSV file atomically: the header, then the rows
// that rows emits.
func WriteCSVFile(path string, header []string, rows func(emit func([]string) error) error) error {
	return WriteFile(path, func(w io.Writer) error { return WriteCSV(w, header, rows) })
}

// CSVFile streams rows into a temporary file that becomes path only when
// Close succeeds: a CSV of millions of rows is written as they come, and
// still no reader sees it half written.
type CSVFile struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	cw   *csv.Writer
}

// CreateCSV starts a CSV file at path with header.
func CreateCSV(path string, header []string) (*CSVFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	c := &CSVFile{path: path, f: f, bw: bw, cw: csv.NewWriter(bw)}
	if err := c.cw.Write(header); err != nil {
		c.Abort()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return c, nil
}

// Write adds a row.
func (c *CSVFile) Write(row []string) error { return c.cw.Write(row) }

// Close flushes the rows and renames the file into place.
func (c *CSVFile) Close() error {
	c.cw.Flush()
	err := errors.Join(c.cw.Error(), c.bw.Flush(), c.f.Chmod(0o644), c.f.Close())
	if err == nil {
		err = os.Rename(c.f.Name(), c.path)
	}
	if err != nil {
		os.Remove(c.f.Name())
		return fmt.Errorf("write %s: %w", c.path, err)
	}
	return nil
}

// Abort drops the file: nothing appears at path.
func (c *CSVFile) Abort() {
	c.f.Close()
	os.Remove(c.f.Name())
}

// File streams bytes into a temporary file that becomes path only when
// Close succeeds, as CSVFile does for rows: a writer for streams such as a
// crawl's edges, formatted by their producer.
type File struct {
	path string
	f    *os.File
	bw   *bufio.Writer
}

// CreateFile starts a file at path.
func CreateFile(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &File{path: path, f: f, bw: bufio.NewWriterSize(f, 1<<16)}, nil
}

// Write adds b to the file.
func (f *File) Write(b []byte) (int, error) { return f.bw.Write(b) }

// Close flushes the file and renames it into place.
func (f *File) Close() error {
	err := errors.Join(f.bw.Flush(), f.f.Chmod(0o644), f.f.Close())
	if err == nil {
		err = os.Rename(f.f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.f.Name())
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}

// Abort drops the file: nothing appears at path.
func (f *File) Abort() {
	f.f.Close()
	os.Remove(f.f.Name())
}

// IsTemporary reports whether a file or folder name is that of a write in
// progress: .NAME.tmp-RANDOM, as WriteFile, CreateFile and CreateCSV name
// their temporary files (and the study runner its folders).
func IsTemporary(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}

// RemoveTemporaries removes every temporary (IsTemporary) under dir, at
// any depth: what a process killed in the middle of a write left. The
// caller must hold dir (LockDir), or it could remove the files another
// process is writing.
func RemoveTemporaries(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if path == dir || !IsTemporary(d.Name()) {
			return nil
		}
		if err := os.RemoveAll(path); err != nil {
			return err
		}
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
}
