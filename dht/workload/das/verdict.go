package das

import (
	"math"
)

// DefaultThreshold is das-research's: a block is declared available when
// 90 % of the validators succeed. (A default to name in a study, not one
// that Judge fills in.)
const DefaultThreshold = 0.9

// Verdict is the validators' verdict on one block beside the truth.
type Verdict struct {
	// Validators is the number of validators; Succeeded those that
	// succeeded (every sample served by the deadline).
	Validators, Succeeded int
	// Needed is the number of successes the threshold asks for:
	// ceil(threshold x validators).
	Needed int
	// Available is the verdict: Succeeded >= Needed.
	Available bool
	// Recoverable is the truth (Reconstruction.Recoverable).
	Recoverable bool
}

// FalseAccept reports a block declared available that cannot be rebuilt.
func (v Verdict) FalseAccept() bool { return v.Available && !v.Recoverable }

// FalseReject reports a block declared unavailable that can be rebuilt.
func (v Verdict) FalseReject() bool { return !v.Available && v.Recoverable }

// Needed returns the number of validators out of n that a threshold share
// asks for: ceil(threshold x n), computed so that a product such as
// 0.7 x 10 = 7.000000000000001 asks for 7, not 8.
func Needed(threshold float64, n int) int {
	return int(math.Ceil(threshold*float64(n) - 1e-9))
}

// Judge returns the verdict on a block whose validators succeeded as
// success says (one entry per validator), under threshold (the share of
// validators that must succeed, in (0, 1]), beside the truth recoverable.
// An invalid threshold or no validator is a *network.ConfigError.
func Judge(success []bool, threshold float64, recoverable bool) (Verdict, error) {
	if !(threshold > 0 && threshold <= 1) {
		return Verdict{}, invalid("Threshold", threshold, "a share above 0 and at most 1 (das-research: 0.9)")
	}
	if len(success) == 0 {
		return Verdict{}, invalid("Validators", 0, "at least 1")
	}
	v := Verdict{Validators: len(success), Needed: Needed(threshold, len(success)), Recoverable: recoverable}
	for _, ok := range success {
		if ok {
			v.Succeeded++
		}
	}
	v.Available = v.Succeeded >= v.Needed
	return v, nil
}

// Tally counts verdicts over many blocks (or slots). The zero value is
// empty.
type Tally struct {
	// Blocks is the number of verdicts added; Recoverable those whose
	// block could be rebuilt; Available those declared available.
	Blocks, Recoverable, Available int
	// FalseAccepts and FalseRejects count the wrong verdicts.
	FalseAccepts, FalseRejects int
}

// Add counts one verdict.
func (t *Tally) Add(v Verdict) {
	t.Blocks++
	if v.Recoverable {
		t.Recoverable++
	}
	if v.Available {
		t.Available++
	}
	if v.FalseAccept() {
		t.FalseAccepts++
	}
	if v.FalseReject() {
		t.FalseRejects++
	}
}

// Merge adds the counts of u (a tally of other blocks) to t.
func (t *Tally) Merge(u Tally) {
	t.Blocks += u.Blocks
	t.Recoverable += u.Recoverable
	t.Available += u.Available
	t.FalseAccepts += u.FalseAccepts
	t.FalseRejects += u.FalseRejects
}

// FalseAcceptRate is the share of unrecoverable blocks declared available
// (the chance that an unavailable block passes); NaN when no block was
// unrecoverable, as no rate was measured.
func (t Tally) FalseAcceptRate() float64 { return rate(t.FalseAccepts, t.Blocks-t.Recoverable) }

// FalseRejectRate is the share of recoverable blocks declared unavailable;
// NaN when no block was recoverable.
func (t Tally) FalseRejectRate() float64 { return rate(t.FalseRejects, t.Recoverable) }

func rate(n, of int) float64 {
	if of == 0 {
		return math.NaN()
	}
	return float64(n) / float64(of)
}
