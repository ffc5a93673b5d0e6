package routing

import (
	"encoding/json"
	"errors"
	"testing"
)

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
