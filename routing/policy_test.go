package routing

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// policyTable returns an empty table of node 0 at key 0 over
// replacementKeys, with bucket size k, the policy and a replacement cache
// of cacheSize.
func policyTable(t *testing.T, k int, p Policy, cacheSize int) *Table {
	t.Helper()
	tab, err := NewTable(0, 0, k, spaceOf(replacementKeys))
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.SetPolicy(p); err != nil {
		t.Fatal(err)
	}
	if err := tab.SetReplacementCacheSize(cacheSize); err != nil {
		t.Fatal(err)
	}
	return tab
}

// ids returns the ids of peers, in their order.
func ids(peers []Peer) []uint32 {
	var out []uint32
	for _, p := range peers {
		out = append(out, p.ID)
	}
	return out
}

// wantBucket0 fails unless bucket 0 holds members in that order of age and
// its replacement cache holds cached, oldest first.
func wantBucket0(t *testing.T, tab *Table, members, cached []uint32) {
	t.Helper()
	if got := ids(tab.BucketByAge(0)); !slices.Equal(got, members) {
		t.Errorf("bucket 0 by age = %v, want %v", got, members)
	}
	if got := ids(tab.Replacements(0)); !slices.Equal(got, cached) {
		t.Errorf("replacement cache of bucket 0 = %v, want %v", got, cached)
	}
}

// Policies parse from and print as their names, and read and write as
// names in JSON; anything else is ErrInvalidPolicy.
func TestParsePolicy(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Policy
		ok   bool
	}{
		{"closest", Closest, true},
		{"oldest", Oldest, true},
		{"", 0, false},
		{"Oldest", 0, false},
		{"lru", 0, false},
	} {
		got, err := ParsePolicy(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("ParsePolicy(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if !tc.ok && !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("ParsePolicy(%q) error = %v, want ErrInvalidPolicy", tc.in, err)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tc.in)
		}
	}
	var zero Policy
	if zero != Closest {
		t.Error("the zero Policy is not Closest")
	}
	if s := Policy(7).String(); s != "Policy(7)" {
		t.Errorf("Policy(7).String() = %q", s)
	}
	if err := Policy(7).Validate(); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("Policy(7).Validate() = %v, want ErrInvalidPolicy", err)
	}
	if _, err := json.Marshal(Policy(7)); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("json.Marshal(Policy(7)) error = %v, want ErrInvalidPolicy", err)
	}
	type config struct{ Policy Policy }
	b, err := json.Marshal(config{Oldest})
	if err != nil || string(b) != `{"Policy":"oldest"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var c config
	if err := json.Unmarshal([]byte(`{"Policy":"oldest"}`), &c); err != nil || c.Policy != Oldest {
		t.Errorf("json.Unmarshal = %v, %v", c.Policy, err)
	}
	if err := json.Unmarshal([]byte(`{"Policy":"newest"}`), &c); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("json.Unmarshal of a bad name: error = %v, want ErrInvalidPolicy", err)
	}
}

// Every way of making a table gives the Closest policy and a replacement
// cache of k; SetPolicy and SetReplacementCacheSize check their argument.
func TestPolicyDefaultsAndSetters(t *testing.T) {
	const k = 3
	space := randomSpace(50, 1)
	ix := NewIndex(space.Keys())
	empty, err := NewTable(0, space.Key(0), k, space)
	if err != nil {
		t.Fatal(err)
	}
	one, err := ix.OptimalTable(1, space.Key(1), k, space)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := ix.BuildTables(context.Background(), space, k, 2)
	if err != nil {
		t.Fatal(err)
	}
	for name, tab := range map[string]*Table{"NewTable": empty, "OptimalTable": one, "BuildTables": &tables[2], "Clone": tables[3].Clone()} {
		if tab.Policy() != Closest || tab.ReplacementCacheSize() != k {
			t.Errorf("%s: policy %v, cache size %d; want closest, %d", name, tab.Policy(), tab.ReplacementCacheSize(), k)
		}
	}
	if err := empty.SetPolicy(Policy(2)); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("SetPolicy(2) = %v, want ErrInvalidPolicy", err)
	}
	for _, n := range []int{-1, MaxReplacementCacheSize + 1} {
		if err := empty.SetReplacementCacheSize(n); !errors.Is(err, ErrInvalidCacheSize) {
			t.Errorf("SetReplacementCacheSize(%d) = %v, want ErrInvalidCacheSize", n, err)
		}
	}
	for _, n := range []int{0, MaxReplacementCacheSize} {
		if err := empty.SetReplacementCacheSize(n); err != nil || empty.ReplacementCacheSize() != n {
			t.Errorf("SetReplacementCacheSize(%d) = %v, size now %d", n, err, empty.ReplacementCacheSize())
		}
	}
	if err := empty.SetPolicy(Oldest); err != nil || empty.Policy() != Oldest {
		t.Errorf("SetPolicy(Oldest) = %v, policy now %v", err, empty.Policy())
	}
}

// Under Oldest a full bucket keeps its old peers over a closer newcomer,
// which waits in the replacement cache; a table under Closest takes it.
func TestOldestKeepsOldPeers(t *testing.T) {
	for _, tc := range []struct {
		policy  Policy
		joined  bool
		members []uint32
		cached  []uint32
	}{
		{Oldest, false, []uint32{4, 3}, []uint32{1}},
		{Closest, true, []uint32{3, 1}, nil},
	} {
		t.Run(tc.policy.String(), func(t *testing.T) {
			tab := policyTable(t, 2, tc.policy, 2)
			tab.Add(4) // farthest of bucket 0
			tab.Add(3)
			if got := tab.Add(1); got != tc.joined { // nearest of bucket 0
				t.Errorf("Add(1) = %v, want %v", got, tc.joined)
			}
			wantBucket0(t, tab, tc.members, tc.cached)
			if tab.Contains(1) != tc.joined {
				t.Errorf("Contains(1) = %v, want %v", tab.Contains(1), tc.joined)
			}
		})
	}
}

// The replacement cache keeps the most recent newcomers, oldest first, at
// most ReplacementCacheSize of them; offering a cached newcomer again
// makes it the most recent; shrinking the size keeps the newest.
func TestReplacementCacheBounded(t *testing.T) {
	tab := policyTable(t, 1, Oldest, 2)
	if tab.repl != nil {
		t.Fatal("a new table has a replacement cache")
	}
	tab.Add(4)
	if tab.repl != nil {
		t.Fatal("a bucket with room allocated a replacement cache")
	}
	for _, id := range []uint32{3, 2, 1} {
		if tab.Add(id) {
			t.Errorf("Add(%d) to a full bucket under Oldest = true", id)
		}
	}
	wantBucket0(t, tab, []uint32{4}, []uint32{2, 1})
	tab.Add(2)
	wantBucket0(t, tab, []uint32{4}, []uint32{1, 2})
	tab.Add(4) // a member: nothing changes
	wantBucket0(t, tab, []uint32{4}, []uint32{1, 2})
	tab.Add(5) // bucket 1 has room
	if got := ids(tab.Replacements(1)); got != nil {
		t.Errorf("bucket 1 has a replacement cache %v", got)
	}
	if err := tab.SetReplacementCacheSize(1); err != nil {
		t.Fatal(err)
	}
	wantBucket0(t, tab, []uint32{4}, []uint32{2})
	if err := tab.SetReplacementCacheSize(0); err != nil {
		t.Fatal(err)
	}
	wantBucket0(t, tab, []uint32{4}, nil)
	tab.Add(3)
	wantBucket0(t, tab, []uint32{4}, nil)
	if tab.repl != nil {
		t.Error("a table with no cache entry still holds a replacement cache")
	}
}

// Under Oldest, Remove puts the newest cache entry in the removed peer's
// place, as the newest member; once the cache is empty the bucket shrinks
// and the next Add refills it. Removing a cached peer drops it from the
// cache (it is never promoted) and reports false, as does removing a peer
// that is not there.
func TestRemovePromotesNewestCached(t *testing.T) {
	tab := policyTable(t, 2, Oldest, 3)
	for _, id := range []uint32{4, 3, 1, 7, 2} {
		tab.Add(id)
	}
	wantBucket0(t, tab, []uint32{4, 3}, []uint32{1, 7, 2})
	steps := []struct {
		remove  uint32
		removed bool
		members []uint32
		cached  []uint32
	}{
		{7, false, []uint32{4, 3}, []uint32{1, 2}}, // cached: dropped, not promoted
		{4, true, []uint32{3, 2}, []uint32{1}},     // the oldest goes, the newest cached joins
		{2, true, []uint32{3, 1}, nil},
		{3, true, []uint32{1}, nil}, // nothing cached: the bucket shrinks
		{3, false, []uint32{1}, nil},
		{0, false, []uint32{1}, nil},                            // the node itself
		{uint32(len(replacementKeys)), false, []uint32{1}, nil}, // outside the key space
	}
	for _, s := range steps {
		if got := tab.Remove(s.remove); got != s.removed {
			t.Errorf("Remove(%d) = %v, want %v", s.remove, got, s.removed)
		}
		wantBucket0(t, tab, s.members, s.cached)
	}
	if tab.repl != nil {
		t.Error("an emptied replacement cache was not freed")
	}
	if !tab.Add(4) {
		t.Error("Add to a bucket with room = false")
	}
	wantBucket0(t, tab, []uint32{1, 4}, nil)
	var none *Table
	if none.Remove(1) || none.Touch(1) {
		t.Error("Remove or Touch on a nil table reported true")
	}
}

// Under Closest, Remove shrinks the bucket (nothing is cached) and a later
// Add of the removed peer or of another one refills it.
func TestRemoveClosestShrinksAndRefills(t *testing.T) {
	tab := policyTable(t, 2, Closest, 2)
	tab.Add(1)
	tab.Add(2)
	if tab.Add(4) {
		t.Error("Add of a farther peer to a full bucket = true")
	}
	wantBucket0(t, tab, []uint32{1, 2}, nil)
	if !tab.Remove(1) {
		t.Error("Remove(1) = false")
	}
	wantBucket0(t, tab, []uint32{2}, nil)
	if s := tab.Summary(); s != "b0:1" {
		t.Errorf("Summary = %q, want b0:1", s)
	}
	if !tab.Add(1) {
		t.Error("Add of the removed peer = false")
	}
	wantBucket0(t, tab, []uint32{2, 1}, nil)
	if !tab.Remove(2) || !tab.Add(4) {
		t.Error("Remove(2) then Add(4), a farther peer, did not refill the bucket")
	}
	wantBucket0(t, tab, []uint32{1, 4}, nil)
	if tab.Remove(2) {
		t.Error("Remove of a peer that is not there = true")
	}
}

// A bucket keeps the order of age under both policies: Add appends, the
// newcomer of a Closest swap joins last, Touch moves a member last; Oldest
// reads the head and BucketByAge the order, while Bucket sorts by
// distance.
func TestAgeOrder(t *testing.T) {
	tab := policyTable(t, 3, Closest, 3)
	for _, id := range []uint32{4, 1, 2} {
		tab.Add(id)
	}
	wantBucket0(t, tab, []uint32{4, 1, 2}, nil)
	if got := ids(tab.Bucket(0)); !slices.Equal(got, []uint32{1, 2, 4}) {
		t.Errorf("Bucket(0) = %v, want nearest first [1 2 4]", got)
	}
	tab.Add(7) // replaces 4, the farthest
	wantBucket0(t, tab, []uint32{1, 2, 7}, nil)
	if !tab.Touch(1) {
		t.Error("Touch of a member = false")
	}
	wantBucket0(t, tab, []uint32{2, 7, 1}, nil)
	if id, ok := tab.Oldest(0); !ok || id != 2 {
		t.Errorf("Oldest(0) = %d, %v; want 2, true", id, ok)
	}
	if tab.Touch(4) || tab.Touch(0) || tab.Touch(uint32(len(replacementKeys))) {
		t.Error("Touch of a non-member, self or an id outside the key space = true")
	}
	for _, b := range []int{-1, 1, NumBuckets} {
		if _, ok := tab.Oldest(b); ok {
			t.Errorf("Oldest(%d) of an empty or invalid bucket reported a peer", b)
		}
		if tab.BucketByAge(b) != nil {
			t.Errorf("BucketByAge(%d) of an empty or invalid bucket is not nil", b)
		}
	}
	var none *Table
	if _, ok := none.Oldest(0); ok || none.BucketByAge(0) != nil || none.Replacements(0) != nil {
		t.Error("a nil table does not read as empty")
	}
}

// Switching to Closest drops the replacement cache and leaves the peers;
// the table then changes as Closest does.
func TestSetPolicyKeepsPeers(t *testing.T) {
	tab := policyTable(t, 2, Oldest, 2)
	for _, id := range []uint32{4, 3, 1} {
		tab.Add(id)
	}
	wantBucket0(t, tab, []uint32{4, 3}, []uint32{1})
	if err := tab.SetPolicy(Closest); err != nil {
		t.Fatal(err)
	}
	wantBucket0(t, tab, []uint32{4, 3}, nil)
	if !tab.Add(1) {
		t.Error("Add of a closer peer under Closest = false")
	}
	wantBucket0(t, tab, []uint32{3, 1}, nil)
}

// A Clone carries the policy and the replacement cache, and changing it
// leaves the original as it was.
func TestCloneCopiesCache(t *testing.T) {
	tab := policyTable(t, 1, Oldest, 2)
	for _, id := range []uint32{4, 3, 2} {
		tab.Add(id)
	}
	c := tab.Clone()
	if c.Policy() != Oldest || c.ReplacementCacheSize() != 2 {
		t.Errorf("clone: policy %v, cache size %d", c.Policy(), c.ReplacementCacheSize())
	}
	c.Add(1)
	c.Remove(4)
	wantBucket0(t, c, []uint32{1}, []uint32{2})
	wantBucket0(t, tab, []uint32{4}, []uint32{3, 2})
}

// Remove, Add and Touch on a Clone of a table of Index.BuildTables leave
// the arena untouched; on an arena table itself (its owner's to change)
// they change no other table of the arena.
func TestRemoveOnArenaTables(t *testing.T) {
	const n, k = 400, 3
	space := randomSpace(n, 9)
	ix := NewIndex(space.Keys())
	tables, err := ix.BuildTables(context.Background(), space, k, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := ix.BuildTables(context.Background(), space, k, 1)
	if err != nil {
		t.Fatal(err)
	}
	churn := func(tab *Table) {
		for i, p := range tab.Peers() {
			switch i % 3 {
			case 0:
				tab.Remove(p.ID)
			case 1:
				tab.Touch(p.ID)
			}
		}
		for id := range uint32(n) {
			tab.Add(id)
		}
		for _, p := range tab.Peers()[:5] {
			tab.Remove(p.ID)
		}
		checkInvariants(t, tab)
	}
	for _, p := range []Policy{Closest, Oldest} {
		for _, id := range []int{0, 57, n - 1} {
			c := tables[id].Clone()
			if err := c.SetPolicy(p); err != nil {
				t.Fatal(err)
			}
			churn(c)
		}
	}
	for id := range tables {
		identicalTable(t, &ref[id], &tables[id])
	}
	for _, id := range []int{0, 57, n - 1} {
		if err := tables[id].SetPolicy(Oldest); err != nil {
			t.Fatal(err)
		}
		churn(&tables[id])
	}
	for id := range tables {
		if id != 0 && id != 57 && id != n-1 {
			identicalTable(t, &ref[id], &tables[id])
		}
	}
}

// A table whose bounds were placed in a buffer and then given memory of
// their own again (PlaceBoundsIn(nil)) no longer reads the buffer: what is
// written there later leaves the table as it was.
func TestPlaceBoundsInNilDetaches(t *testing.T) {
	tab := policyTable(t, 2, Oldest, 2)
	for id := range uint32(len(replacementKeys)) {
		tab.Add(id)
	}
	want := tab.Peers()
	if len(want) == 0 {
		t.Fatal("the table holds no peer")
	}
	var buf [NumBuckets]uint16
	tab.PlaceBoundsIn(&buf)
	if got := tab.Peers(); !slices.Equal(got, want) {
		t.Fatalf("placed: peers %v, want %v", got, want)
	}
	tab.PlaceBoundsIn(nil)
	for i := range buf {
		buf[i] = 0
	}
	if got := tab.Peers(); !slices.Equal(got, want) {
		t.Fatalf("after detaching and clearing the buffer: peers %v, want %v", got, want)
	}
}
