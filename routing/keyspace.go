package routing

import (
	"sync"
	"sync/atomic"

	"github.com/go-dht/go-dht/hashes"
)

// KeySpace maps peer ids (0, 1, 2, ...) to keys. It only grows. Readers never
// lock: they load an immutable snapshot of the slice header, and Append
// writes past the end of every published snapshot before it publishes a
// longer one, so one writer and any number of readers never race.
type KeySpace struct {
	snap atomic.Pointer[[]hashes.Key]
	mu   sync.Mutex // serializes writers (Append, AppendMany)
}

// NewKeySpace returns an empty key space with room for capacity keys.
func NewKeySpace(capacity int) *KeySpace {
	s := &KeySpace{}
	keys := make([]hashes.Key, 0, capacity)
	s.snap.Store(&keys)
	return s
}

// NewKeySpaceOf returns a key space of keys (indexed by id), taking the
// slice without copying it. The slice is capped at its length, so the
// first Append copies it: two key spaces made from one slice never write
// into each other.
func NewKeySpaceOf(keys []hashes.Key) *KeySpace {
	s := &KeySpace{}
	k := keys[:len(keys):len(keys)]
	s.snap.Store(&k)
	return s
}

// Append adds key under the next id and returns that id.
func (s *KeySpace) Append(key hashes.Key) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := append(*s.snap.Load(), key)
	s.snap.Store(&keys)
	return uint32(len(keys) - 1)
}

// AppendMany adds keys under consecutive ids and returns the first one.
func (s *KeySpace) AppendMany(add []hashes.Key) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.snap.Load()
	keys := append(old, add...)
	s.snap.Store(&keys)
	return uint32(len(old))
}

// Key returns the key of id. The id must have been returned by Append or
// AppendMany; a table only ever holds such ids.
func (s *KeySpace) Key(id uint32) hashes.Key {
	return (*s.snap.Load())[id]
}

// Keys returns the keys of every id, indexed by id. The caller must not
// modify the slice.
func (s *KeySpace) Keys() []hashes.Key {
	return *s.snap.Load()
}

// Len returns the number of ids.
func (s *KeySpace) Len() int {
	return len(*s.snap.Load())
}
