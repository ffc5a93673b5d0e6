package das_test

import (
	"math"
	"testing"

	"github.com/go-dht/go-dht/dht/workload/das"
)

// successes returns n validators of which the first ok succeeded.
func successes(n, ok int) []bool {
	s := make([]bool, n)
	for i := range ok {
		s[i] = true
	}
	return s
}

// TestJudge checks the verdict at and around the threshold, and that a
// verdict against the truth is a false accept or a false reject exactly
// when it should be.
func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name              string
		validators, ok    int
		threshold         float64
		recoverable       bool
		needed            int
		available, fa, fr bool
	}{
		{"90% of 10, recoverable", 10, 9, 0.9, true, 9, true, false, false},
		{"80% of 10, recoverable: false reject", 10, 8, 0.9, true, 9, false, false, true},
		{"90% of 10, unrecoverable: false accept", 10, 9, 0.9, false, 9, true, true, false},
		{"80% of 10, unrecoverable: right", 10, 8, 0.9, false, 9, false, false, false},
		{"all of 1", 1, 1, 1, true, 1, true, false, false},
		{"none of 1 at 1", 1, 0, 1, true, 1, false, false, true},
		// 0.7 x 10 is 7.000000000000001 in floating point: 7 suffice.
		{"70% of 10", 10, 7, 0.7, true, 7, true, false, false},
		// ceil(0.9 x 7) = ceil(6.3) = 7.
		{"6 of 7 at 90%", 7, 6, 0.9, true, 7, false, false, true},
		{"2 of 3 at a half", 3, 2, 0.5, false, 2, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := das.Judge(successes(tc.validators, tc.ok), tc.threshold, tc.recoverable)
			if err != nil {
				t.Fatal(err)
			}
			if v.Needed != tc.needed || v.Succeeded != tc.ok || v.Validators != tc.validators || v.Available != tc.available ||
				v.FalseAccept() != tc.fa || v.FalseReject() != tc.fr {
				t.Errorf("Judge = %+v (false accept %v, false reject %v), want needed %d, available %v, false accept %v, false reject %v",
					v, v.FalseAccept(), v.FalseReject(), tc.needed, tc.available, tc.fa, tc.fr)
			}
		})
	}
}

// TestJudgeValidate checks that a threshold outside (0, 1] and an empty
// list of validators are refused, naming the field.
func TestJudgeValidate(t *testing.T) {
	for _, tc := range []struct {
		success   []bool
		threshold float64
		field     string
	}{
		{successes(3, 3), 0, "Threshold"},
		{successes(3, 3), 1.01, "Threshold"},
		{successes(3, 3), math.NaN(), "Threshold"},
		{nil, 0.9, "Validators"},
	} {
		_, err := das.Judge(tc.success, tc.threshold, true)
		if got := configField(t, err); got != tc.field {
			t.Errorf("Judge(%d validators, %v): field %q, want %q", len(tc.success), tc.threshold, got, tc.field)
		}
	}
}

// TestTally checks the counts and rates over a series of blocks whose
// verdicts are known, and that merging two halves gives the whole.
func TestTally(t *testing.T) {
	var whole, first, second das.Tally
	if !math.IsNaN(whole.FalseAcceptRate()) || !math.IsNaN(whole.FalseRejectRate()) {
		t.Error("an empty tally has rates")
	}
	// 6 recoverable blocks, 2 rejected; 4 unrecoverable blocks, 1 accepted.
	blocks := []struct {
		ok          int
		recoverable bool
	}{{10, true}, {9, true}, {5, true}, {9, true}, {0, true}, {10, true}, {2, false}, {9, false}, {8, false}, {0, false}}
	for i, bl := range blocks {
		v, err := das.Judge(successes(10, bl.ok), 0.9, bl.recoverable)
		if err != nil {
			t.Fatal(err)
		}
		whole.Add(v)
		if i < 5 {
			first.Add(v)
		} else {
			second.Add(v)
		}
	}
	want := das.Tally{Blocks: 10, Recoverable: 6, Available: 5, FalseAccepts: 1, FalseRejects: 2}
	if whole != want {
		t.Errorf("tally %+v, want %+v", whole, want)
	}
	if whole.FalseAcceptRate() != 0.25 || whole.FalseRejectRate() != 2.0/6 {
		t.Errorf("rates %v, %v; want 0.25, 1/3", whole.FalseAcceptRate(), whole.FalseRejectRate())
	}
	first.Merge(second)
	if first != whole {
		t.Errorf("merged halves %+v, want %+v", first, whole)
	}
}
