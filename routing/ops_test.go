package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// opKind is an operation of the table tests.
type opKind uint8

const (
	opAdd opKind = iota
	opRemove
	opTouch
	opSetPolicy    // arg: the policy
	opSetCacheSize // arg: the size
	numOpKinds
)

// op is one operation on a table: a peer id, or the argument of a setter.
type op struct {
	kind opKind
	arg  uint32
}

func (o op) String() string {
	return fmt.Sprintf("%s(%d)", [...]string{"Add", "Remove", "Touch", "SetPolicy", "SetReplacementCacheSize"}[o.kind], o.arg)
}

// model is the replacement policies written plainly, one slice per bucket,
// against which a Table is checked operation by operation. ref holds, for
// the property of Closest, the peers a bucket must hold the nearest of (see
// checkClosestProperty).
type model struct {
	self     uint32
	local    hashes.Key
	keys     []hashes.Key
	k        int
	cacheMax int
	policy   Policy
	members  [NumBuckets][]uint32 // oldest first
	cache    [NumBuckets][]uint32 // oldest first
	ref      [NumBuckets][]uint32
}

// newModel returns the model of tab as it is now.
func newModel(tab *Table) *model {
	m := &model{self: tab.Self(), local: tab.Local(), keys: tab.space.Keys(), k: tab.K(),
		cacheMax: tab.ReplacementCacheSize(), policy: tab.Policy()}
	for b := range NumBuckets {
		m.members[b] = ids(tab.BucketByAge(b))
		m.cache[b] = ids(tab.Replacements(b))
		m.ref[b] = slices.Clone(m.members[b])
	}
	return m
}

func (m *model) peer(id uint32) Peer { return Peer{ID: id, Key: m.keys[id]} }

func (m *model) bucket(id uint32) int { return hashes.CommonPrefixLen(m.local, m.keys[id]) }

// apply does o and returns what the Table's method reports (false for the
// setters).
func (m *model) apply(o op) bool {
	switch o.kind {
	case opAdd:
		return m.add(o.arg)
	case opRemove:
		return m.remove(o.arg)
	case opTouch:
		if o.arg == m.self || int(o.arg) >= len(m.keys) {
			return false
		}
		b := m.bucket(o.arg)
		i := slices.Index(m.members[b], o.arg)
		if i < 0 {
			return false
		}
		m.members[b] = append(slices.Delete(m.members[b], i, i+1), o.arg)
		return true
	case opSetPolicy:
		m.policy = Policy(o.arg)
		for b := range NumBuckets {
			if m.policy == Closest {
				m.cache[b] = nil
			}
			// From here on Closest keeps the nearest of what the bucket
			// holds now and what joins it.
			m.ref[b] = slices.Clone(m.members[b])
		}
	case opSetCacheSize:
		m.cacheMax = int(o.arg)
		for b := range NumBuckets {
			if over := len(m.cache[b]) - m.cacheMax; over > 0 {
				m.cache[b] = slices.Delete(m.cache[b], 0, over)
			}
		}
	}
	return false
}

func (m *model) add(id uint32) bool {
	if id == m.self {
		return false
	}
	b := m.bucket(id)
	if slices.Contains(m.members[b], id) {
		return false
	}
	if !slices.Contains(m.ref[b], id) {
		m.ref[b] = append(m.ref[b], id)
	}
	if len(m.members[b]) < m.k {
		m.members[b] = append(m.members[b], id)
		return true
	}
	if m.policy == Oldest {
		if m.cacheMax == 0 {
			return false
		}
		c := slices.DeleteFunc(m.cache[b], func(x uint32) bool { return x == id })
		if c = append(c, id); len(c) > m.cacheMax {
			c = c[1:]
		}
		m.cache[b] = c
		return false
	}
	far := slices.MaxFunc(m.members[b], func(x, y uint32) int { return ComparePeers(m.local, m.peer(x), m.peer(y)) })
	if ComparePeers(m.local, m.peer(id), m.peer(far)) >= 0 {
		return false
	}
	i := slices.Index(m.members[b], far)
	m.members[b] = append(slices.Delete(m.members[b], i, i+1), id)
	return true
}

func (m *model) remove(id uint32) bool {
	if id == m.self || int(id) >= len(m.keys) {
		return false
	}
	b := m.bucket(id)
	i := slices.Index(m.members[b], id)
	if i < 0 {
		m.cache[b] = slices.DeleteFunc(m.cache[b], func(x uint32) bool { return x == id })
		return false
	}
	m.members[b] = slices.Delete(m.members[b], i, i+1)
	if c := m.cache[b]; len(c) > 0 {
		m.members[b] = append(m.members[b], c[len(c)-1])
		m.cache[b] = c[:len(c)-1]
	}
	m.ref[b] = slices.Clone(m.members[b])
	return true
}

// applyOp does o on tab and returns what it reports.
func applyOp(t testing.TB, tab *Table, o op) bool {
	t.Helper()
	switch o.kind {
	case opAdd:
		return tab.Add(o.arg)
	case opRemove:
		return tab.Remove(o.arg)
	case opTouch:
		return tab.Touch(o.arg)
	case opSetPolicy:
		if err := tab.SetPolicy(Policy(o.arg)); err != nil {
			t.Fatal(err)
		}
	case opSetCacheSize:
		if err := tab.SetReplacementCacheSize(int(o.arg)); err != nil {
			t.Fatal(err)
		}
	}
	return false
}

// checkInvariants fails unless tab is well formed, whatever happened to it:
//   - every peer of bucket b shares exactly b leading bits with the local
//     key, a bucket holds at most k peers, no peer twice, never the node
//     itself;
//   - Bucket(b) is BucketByAge(b) sorted nearest first, Oldest(b) is its
//     head, Peers is the buckets in order, Len and BucketSizes count them;
//   - Contains(id) holds exactly for the ids that Peers lists, and Closest
//     answers what sorting Peers answers;
//   - a replacement cache exists only under Oldest and only for a full
//     bucket, holds at most ReplacementCacheSize peers of its bucket that
//     are not members, no peer twice; a table with no cache entry holds no
//     cache at all.
func checkInvariants(t testing.TB, tab *Table) {
	t.Helper()
	keys := tab.space.Keys()
	var all []Peer
	sizes := make([]int, 0, NumBuckets)
	for b := range NumBuckets {
		byAge := tab.BucketByAge(b)
		if len(byAge) > tab.K() {
			t.Fatalf("bucket %d holds %d peers, k = %d", b, len(byAge), tab.K())
		}
		for _, p := range byAge {
			if p.ID == tab.Self() {
				t.Fatalf("bucket %d holds the node itself", b)
			}
			if d := hashes.CommonPrefixLen(tab.Local(), p.Key); d != b || p.Key != keys[p.ID] {
				t.Fatalf("bucket %d holds peer %d at prefix length %d", b, p.ID, d)
			}
		}
		sorted := slices.Clone(byAge)
		SortByDistance(sorted, tab.Local())
		checkSortedUnique(t, sorted, tab.Local())
		if got := tab.Bucket(b); !slices.Equal(got, sorted) {
			t.Fatalf("Bucket(%d) = %v, want %v", b, got, sorted)
		}
		if id, ok := tab.Oldest(b); ok != (len(byAge) > 0) || ok && id != byAge[0].ID {
			t.Fatalf("Oldest(%d) = %d, %v; bucket by age %v", b, id, ok, byAge)
		}
		all = append(all, sorted...)
		sizes = append(sizes, len(byAge))

		cached := tab.Replacements(b)
		if len(cached) == 0 {
			continue
		}
		if tab.Policy() != Oldest || len(byAge) < tab.K() || len(cached) > tab.ReplacementCacheSize() {
			t.Fatalf("bucket %d of %d peers (k %d, policy %v) has %d cached (size %d)",
				b, len(byAge), tab.K(), tab.Policy(), len(cached), tab.ReplacementCacheSize())
		}
		seen := map[uint32]bool{}
		for _, p := range cached {
			if seen[p.ID] || slices.Contains(byAge, p) || p.ID == tab.Self() ||
				hashes.CommonPrefixLen(tab.Local(), p.Key) != b {
				t.Fatalf("bucket %d: bad cache entry %d in %v (members %v)", b, p.ID, cached, byAge)
			}
			seen[p.ID] = true
		}
	}
	if tab.repl != nil && len(tab.repl.ids) == 0 {
		t.Fatal("a table with no cache entry holds a replacement cache")
	}
	if got := tab.Peers(); !slices.Equal(got, all) {
		t.Fatalf("Peers = %v, want the buckets %v", got, all)
	}
	for len(sizes) > 0 && sizes[len(sizes)-1] == 0 {
		sizes = sizes[:len(sizes)-1]
	}
	if tab.Len() != len(all) || !slices.Equal(tab.BucketSizes(), sizes) {
		t.Fatalf("Len %d, BucketSizes %v; buckets hold %v", tab.Len(), tab.BucketSizes(), sizes)
	}
	for _, target := range []hashes.Key{tab.Local(), tab.Local() ^ 0x5555_5555_5555_5555, ^tab.Local()} {
		if got, want := tab.Closest(target, tab.K()+2), bruteClosest(all, target, tab.K()+2); !slices.Equal(got, want) {
			t.Fatalf("Closest(%s) = %v, want %v", target, got, want)
		}
	}
	member := map[uint32]bool{}
	for _, p := range all {
		member[p.ID] = true
	}
	for id := range uint32(len(keys)) {
		if tab.Contains(id) != member[id] {
			t.Fatalf("Contains(%d) = %v, Peers says %v", id, tab.Contains(id), member[id])
		}
	}
}

// checkClosestProperty fails unless, under Closest, every bucket b holds
// the min(k, |R|) peers of R nearest to the local key, where R is what the
// bucket held at its last removal (or when the table started, or switched
// to Closest) together with every peer of bucket b added since. Fed peers
// and never removing any, R is every peer fed: the optimal table's rule.
// A removal forgets the peers Closest had turned away before it.
func checkClosestProperty(t testing.TB, tab *Table, m *model) {
	t.Helper()
	if tab.Policy() != Closest {
		return
	}
	for b := range NumBuckets {
		ref := make([]Peer, 0, len(m.ref[b]))
		for _, id := range m.ref[b] {
			ref = append(ref, m.peer(id))
		}
		if want := bruteClosest(ref, tab.Local(), tab.K()); !slices.Equal(tab.Bucket(b), want) {
			t.Fatalf("bucket %d = %v, want the nearest of %v: %v", b, tab.Bucket(b), ref, want)
		}
	}
}

// opRunner applies operations to a table and to its model one at a time.
type opRunner struct {
	t   testing.TB
	tab *Table
	m   *model
	i   int // operations applied
}

func newOpRunner(t testing.TB, tab *Table) *opRunner {
	t.Helper()
	checkInvariants(t, tab)
	return &opRunner{t: t, tab: tab, m: newModel(tab)}
}

// step applies o, then fails unless the table and the model reported the
// same, the table equals the model bucket by bucket in order of age, caches
// included, and the invariants and the property of Closest hold.
func (r *opRunner) step(o op) {
	t, tab, m := r.t, r.tab, r.m
	t.Helper()
	r.i++
	want := m.apply(o)
	if got := applyOp(t, tab, o); got != want {
		t.Fatalf("op %d %v (policy %v) = %v, want %v", r.i, o, tab.Policy(), got, want)
	}
	for b := range NumBuckets {
		if got := ids(tab.BucketByAge(b)); !slices.Equal(got, m.members[b]) {
			t.Fatalf("after op %d %v: bucket %d by age = %v, want %v", r.i, o, b, got, m.members[b])
		}
		if got := ids(tab.Replacements(b)); !slices.Equal(got, m.cache[b]) {
			t.Fatalf("after op %d %v: cache of bucket %d = %v, want %v", r.i, o, b, got, m.cache[b])
		}
	}
	checkInvariants(t, tab)
	checkClosestProperty(t, tab, m)
}

// randomOp returns an operation on tab, whose space holds n keys: half
// Adds, a quarter Removes (most of a member, so that they hit), and
// Touches; an id outside the space now and then for Remove and Touch; and
// a change of policy or of cache size once in a while.
func randomOp(tab *Table, n int, rng *rand.Rand) op {
	id := uint32(rng.IntN(n))
	switch r := rng.IntN(100); {
	case r < 50:
		return op{opAdd, id}
	case r < 75:
		if rng.IntN(4) > 0 && tab.Len() > 0 {
			id = tab.ids[rng.IntN(tab.Len())]
		} else if rng.IntN(10) == 0 {
			id = uint32(n + rng.IntN(3))
		}
		return op{opRemove, id}
	case r < 97:
		if rng.IntN(4) > 0 && tab.Len() > 0 {
			id = tab.ids[rng.IntN(tab.Len())]
		} else if rng.IntN(10) == 0 {
			id = uint32(n)
		}
		return op{opTouch, id}
	case r < 99:
		return op{opSetPolicy, uint32(rng.IntN(2))}
	}
	return op{opSetCacheSize, uint32(rng.IntN(2*tab.K() + 1))}
}

// Property: after any random sequence of Add, Remove and Touch (and now and
// then a change of policy or cache size), under either policy, on uniform,
// clustered and duplicate keys, from an empty table or from an optimal one,
// the table equals the plain model of the policies and checkInvariants and
// checkClosestProperty hold after every operation; and so it does for a
// table whose bucket bounds live in a buffer of the caller's
// (PlaceBoundsIn).
func TestTableOpsProperty(t *testing.T) {
	n, count, seeds := 300, 300, 1
	if !testing.Short() {
		n, count, seeds = 1000, 600, 2
	}
	for seed := range uint64(seeds) {
		for _, kind := range spaceKinds {
			space := kindSpace(kind, n, 40+seed)
			ix := NewIndex(space.Keys())
			for _, p := range []Policy{Closest, Oldest} {
				for _, k := range []int{1, 3, 8} {
					for _, start := range []string{"empty", "optimal", "placed"} {
						name := fmt.Sprintf("seed=%d/%s/%v/k=%d/%s", seed, kind, p, k, start)
						t.Run(name, func(t *testing.T) {
							rng := rand.New(rand.NewPCG(seed, uint64(k)))
							self := uint32(rng.IntN(n))
							tab, err := ix.OptimalTable(self, space.Key(self), k, space)
							if err != nil {
								t.Fatal(err)
							}
							var buf [NumBuckets]uint16
							switch start {
							case "empty":
								tab, _ = NewTable(self, space.Key(self), k, space)
							case "placed":
								tab.PlaceBoundsIn(&buf)
							}
							if err := tab.SetPolicy(p); err != nil {
								t.Fatal(err)
							}
							if err := tab.SetReplacementCacheSize([]int{0, 1, k, 2 * k}[rng.IntN(4)]); err != nil {
								t.Fatal(err)
							}
							r := newOpRunner(t, tab)
							for range count {
								r.step(randomOp(tab, n, rng))
							}
						})
					}
				}
			}
		}
	}
}

// decodeOps turns fuzz input into operations on ids 0..n (n, outside the
// space, for Remove and Touch only): two bytes each, the kind and the id or
// argument.
func decodeOps(data []byte, n, k int) []op {
	var ops []op
	for ; len(data) >= 2 && len(ops) < 200; data = data[2:] {
		kind := opKind(data[0] % 8)
		switch {
		case kind >= 5: // Adds are the most common
			ops = append(ops, op{opAdd, uint32(int(data[1]) % n)})
		case kind == opSetPolicy:
			ops = append(ops, op{opSetPolicy, uint32(data[1] % 2)})
		case kind == opSetCacheSize:
			ops = append(ops, op{opSetCacheSize, uint32(int(data[1]) % (2*k + 1))})
		case kind == opAdd:
			ops = append(ops, op{opAdd, uint32(int(data[1]) % n)})
		default:
			ops = append(ops, op{kind, uint32(int(data[1]) % (n + 1))})
		}
	}
	return ops
}

// FuzzTableOps checks, for any set of keys (tiny keys sharing long
// prefixes and colliding, see fuzzKeys), node, bucket size, cache size and
// sequence of operations, under either policy and from an empty or an
// optimal table, what TestTableOpsProperty checks: the table equals the
// model after every operation and the invariants hold.
func FuzzTableOps(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 3, 0, 4, 0x80, 0, 0x40, 0, 0xc0, 0}, uint8(48), uint8(0), uint8(2), uint8(1), uint8(1), []byte{5, 1, 5, 2, 5, 3, 5, 4, 5, 5, 5, 6, 1, 1, 1, 5, 2, 2, 5, 1})
	f.Add([]byte{1, 1, 1, 1, 1, 1, 2, 2, 0, 0, 0, 0}, uint8(10), uint8(1), uint8(1), uint8(0), uint8(3), []byte{5, 0, 5, 1, 5, 2, 5, 3, 1, 4, 3, 0, 4, 1, 1, 2, 1, 6})
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef"), uint8(64), uint8(2), uint8(3), uint8(3), uint8(2), []byte("\x05\x01\x05\x02\x01\x01\x02\x07\x03\x00\x05\x03\x04\x02\x01\x03"))
	f.Fuzz(func(t *testing.T, keyData []byte, shift, self, k, cacheSize, mode uint8, opData []byte) {
		keys := fuzzKeys(keyData, shift)
		if len(keys) == 0 {
			return
		}
		space := spaceOf(keys)
		kk := 1 + int(k%8)
		s := uint32(self) % uint32(len(keys))
		var tab *Table
		if mode&2 != 0 {
			tab, _ = NewIndex(keys).OptimalTable(s, keys[s], kk, space)
		} else {
			tab, _ = NewTable(s, keys[s], kk, space)
		}
		if err := tab.SetPolicy(Policy(mode & 1)); err != nil {
			t.Fatal(err)
		}
		if err := tab.SetReplacementCacheSize(int(cacheSize) % (2*kk + 1)); err != nil {
			t.Fatal(err)
		}
		r := newOpRunner(t, tab)
		for _, o := range decodeOps(opData, len(keys), kk) {
			r.step(o)
		}
	})
}
