package churn_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/churn"
)

// TestChurnPeriodBounded checks that a churn model whose mean periods are
// shorter than churn.MinMean (1s) is refused, by Parse with the part and
// the allowed range, and by Validate for models built by hand: the
// review's exp:1ns,1ns passed and then hung a run for 10 minutes, since a
// node's state at a time is found by replaying its periods one by one.
func TestChurnPeriodBounded(t *testing.T) {
	if churn.MinMean != time.Second {
		t.Fatalf("MinMean = %v; the documentation says 1s", churn.MinMean)
	}
	for _, tc := range []struct{ spec, part string }{
		{"exp:1ns,1ns", "1ns"},
		{"exp:1h,999ms", "999ms"},
		{"weibull:0.5,1ns", "1ns"},
	} {
		_, err := churn.Parse(tc.spec)
		var se *churn.SpecError
		if !errors.As(err, &se) || se.Part != tc.part || !strings.Contains(se.Allowed, "from 1s to 8760h") {
			t.Errorf("Parse(%q) = %v; want a *SpecError on %q allowing 1s to 8760h", tc.spec, err, tc.part)
		}
	}
	for _, m := range []churn.Model{
		{On: churn.Exponential(time.Nanosecond), Off: churn.Exponential(time.Hour)},
		{On: churn.Exponential(time.Hour), Off: churn.Weibull{Shape: 0.5, Scale: time.Millisecond}},
		{On: opaque{churn.Exponential(time.Millisecond)}, Off: churn.Exponential(time.Hour)},
	} {
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "1s") {
			t.Errorf("Validate(%v) = %v; want an error naming the 1s bound", m, err)
		}
	}
	for _, spec := range []string{"exp:1s,1s", "weibull:10,1s", "exp: 1h30m , 45s"} {
		m, err := churn.Parse(spec)
		if err == nil {
			err = m.Validate()
		}
		if err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
}
