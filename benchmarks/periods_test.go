package benchmarks

import (
	"flag"
	"io"
	"strings"
	"testing"
)

// TestPeriodFlagsBounded checks that the benchmark flags of the periods a
// run replays or schedules refuse values too short to run, naming the flag
// and the allowed range: -churn exp:1ns,1ns (the review's 10-minute hang),
// -refresh 1ms and -republish 1ms (out of memory).
func TestPeriodFlagsBounded(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says []string
	}{
		{[]string{"-churn", "exp:1ns,1ns"}, []string{"-churn", "from 1s to 8760h"}},
		{[]string{"-refresh", "1ms"}, []string{"-refresh", "1m0s..8760h0m0s"}},
		{[]string{"-republish", "1ms"}, []string{"-republish", "1m0s"}},
	} {
		fs := flag.NewFlagSet("bench", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		read := RegisterFlags(fs)
		err := fs.Parse(tc.args)
		if err == nil {
			_, err = read()
		}
		for _, s := range tc.says {
			if err == nil || !strings.Contains(err.Error(), s) {
				t.Errorf("%v: %v; want an error saying %q", tc.args, err, s)
			}
		}
	}
}
