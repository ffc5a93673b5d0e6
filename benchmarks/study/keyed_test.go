package study

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-dht/go-dht/network"
)

// An error a combination meets while it runs names the study key the user
// wrote, not the configuration field behind it (a network that does not
// fit the machine names nodes; a slot whose lookups do not, the workload's
// validators or provides in flight), and still unwraps to the
// configuration error; an error of a field no key sets, or of another
// kind, is left as it is.
func TestRunErrorsNameTheirKey(t *testing.T) {
	for _, tc := range []struct{ field, key string }{
		{"Nodes", "nodes"},
		{"Validators", "workload.validators"},
		{"ProvidesInFlight", "workload.provides_in_flight"},
	} {
		ce := &network.ConfigError{Field: tc.field, Value: "20000", Allowed: "a slot that fits this machine"}
		err := keyed(fmt.Errorf("workload: %w", ce))
		want := tc.key + " = 20000: allowed a slot that fits this machine"
		var got *network.ConfigError
		if err.Error() != want || !errors.As(err, &got) || got != ce {
			t.Errorf("%s: %q, want %q unwrapping to the configuration error", tc.field, err, want)
		}
	}
	for _, err := range []error{
		&network.ConfigError{Field: "NoSuchField", Value: "1", Allowed: "x"},
		errors.New("disk full"),
	} {
		if got := keyed(err); got != err {
			t.Errorf("%v: became %v, want it unchanged", err, got)
		}
	}
}
