package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockFile is the file in an output folder that one process locks while
// it writes there (LockDir). It stays in the folder; its lock does not.
const LockFile = ".lock"

// ErrLocked is wrapped by LockDir's error when another process holds the
// folder.
var ErrLocked = errors.New("in use by another process")

// Lock is a folder held by this process for writing. The operating system
// releases it when the process ends, however it ends (a SIGKILL too), so a
// lock never outlives its holder.
type Lock struct {
	f *os.File
	// Warning is set when the folder's file system cannot lock files (some
	// network file systems): the Lock then keeps no other process out.
	Warning string
}

// LockDir takes the lock of dir, which must exist, for this process, or
// returns an error wrapping ErrLocked that names the holder: its pid, host,
// start and what it said it was doing (what, e.g. its command line), which
// LockDir writes into LockFile once it holds the lock. Two locks on one
// folder exclude each other within one process too.
func LockDir(dir, what string) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	l := &Lock{f: f}
	held, err := tryLock(f)
	switch {
	case err != nil:
		l.Warning = fmt.Sprintf("%s cannot be locked (%v): nothing keeps another run from writing into it at the same time", dir, err)
	case !held:
		f.Close()
		holder, _ := os.ReadFile(path)
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "a process that has just started"
		}
		return nil, fmt.Errorf("%s is %w: %s; wait for it to end, or choose another folder (each shard of a study needs its own -out, and dhtsim merge joins them)",
			dir, ErrLocked, who)
	}
	host, _ := os.Hostname()
	holder := fmt.Sprintf("pid %d on host %s since %s: %s\n", os.Getpid(), host, time.Now().Format(time.RFC3339), what)
	if err := f.Truncate(0); err != nil {
		l.Unlock()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if _, err := f.WriteAt([]byte(holder), 0); err != nil {
		l.Unlock()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return l, nil
}

// Unlock releases the folder. The lock file stays, emptied: removing it
// would let two processes lock two files of one name.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Truncate(0)
	err = errors.Join(err, unlock(l.f), l.f.Close())
	l.f = nil
	return err
}
