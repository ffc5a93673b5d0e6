package dht_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

const ms = time.Millisecond

// Every invalid value is rejected before any work by a *network.ConfigError
// that names its field (as a path from dht.Config), wraps ErrInvalidConfig,
// and says what is allowed. Huge values that once passed validation and
// then panicked or gave garbage are among them.
func TestConfigValidate(t *testing.T) {
	const years50 = 50 * 365 * 24 * time.Hour
	for _, tc := range []struct {
		field string
		edit  func(*dht.Config)
	}{
		{"Client.K", func(c *dht.Config) { c.Client.K = 0 }},
		{"Client.K", func(c *dht.Config) { c.Client.K = -3 }},
		{"Client.K", func(c *dht.Config) { c.Client.K = routing.MaxK + 1 }},
		{"Client.Alpha", func(c *dht.Config) { c.Client.Alpha = 0 }},
		{"Client.Alpha", func(c *dht.Config) { c.Client.Alpha = math.MaxInt / 3 }},
		{"Client.Beta", func(c *dht.Config) { c.Client.Beta = 0 }},
		{"Client.Beta", func(c *dht.Config) { c.Client.Beta = c.Client.K + 1 }},
		{"Client.Beta", func(c *dht.Config) { c.Client.Beta = 1000 }},
		{"Client.StepsToStop", func(c *dht.Config) { c.Client.StepsToStop = 0 }},
		{"Client.StepsToStop", func(c *dht.Config) { c.Client.StepsToStop = math.MaxInt }},
		{"Client.Termination", func(c *dht.Config) { c.Client.Termination = 9 }},
		{"Client.Termination", func(c *dht.Config) {
			c.Profile, c.Client.Termination = dht.ProfilePyDHT, lookup.Beta
		}},
		{"Profile", func(c *dht.Config) { c.Profile = 7 }},
		{"Nodes", func(c *dht.Config) { c.Nodes = 0 }},
		{"Nodes", func(c *dht.Config) { c.Nodes = dht.MaxNodes + 1 }},
		{"Workers", func(c *dht.Config) { c.Workers = 0 }},
		{"Workers", func(c *dht.Config) { c.Workers = math.MaxInt / 4 }},
		{"Workers", func(c *dht.Config) { c.Workers = math.MaxInt }},
		{"Network.FastErrorRate", func(c *dht.Config) { c.Network.FastErrorRate = -1 }},
		{"Network.FastErrorRate", func(c *dht.Config) { c.Network.FastErrorRate = math.NaN() }},
		{"Network.SlowErrorRate", func(c *dht.Config) { c.Network.SlowErrorRate = 200 }},
		{"Network.FastErrorRate+SlowErrorRate", func(c *dht.Config) { c.Network.FastErrorRate, c.Network.SlowErrorRate = 70, 31 }},
		{"Network.ConnDelay", func(c *dht.Config) { c.Network.ConnDelay = network.DelayRange{Min: 2 * ms, Max: ms} }},
		{"Network.ConnDelay", func(c *dht.Config) { c.Network.ConnDelay = network.Fixed(-ms) }},
		{"Network.ConnDelay", func(c *dht.Config) { c.Network.ConnDelay = network.Fixed(years50) }},
		{"Network.ConnDelay", func(c *dht.Config) { c.Network.ConnDelay = network.Fixed(1 << 62) }},
		{"Network.FastDelay", func(c *dht.Config) { c.Network.FastDelay = network.DelayRange{Min: ms, Max: 2 * time.Hour} }},
		{"Network.SlowDelay", func(c *dht.Config) { c.Network.SlowDelay = network.Fixed(years50) }},
		{"Network.Gamma", func(c *dht.Config) { c.Network.Gamma = -ms }},
		{"Network.Gamma", func(c *dht.Config) { c.Network.Gamma = 1 << 60 }},
		{"Network.ConnDelay", func(c *dht.Config) {
			c.Profile, c.Network.ConnDelay = dht.ProfilePyDHT, network.DelayRange{Min: 50 * ms, Max: 75*ms + 500*time.Microsecond}
		}},
	} {
		cfg := dhttest.Config(10, 1)
		tc.edit(&cfg)
		err := cfg.Validate()
		var ce *network.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || ce.Allowed == "" || !errors.Is(err, dht.ErrInvalidConfig) {
			t.Errorf("%s: Validate() = %v, want a ConfigError for that field", tc.field, err)
			continue
		}
		if net, err := dht.New(cfg); net != nil || !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: New() = %v, %v", tc.field, net, err)
		}
		if net, err := dht.Spawn(cfg); net != nil || err == nil {
			t.Errorf("%s: Spawn() = %v, %v", tc.field, net, err)
		}
	}
	for name, cfg := range map[string]dht.Config{"fixture": dhttest.Config(10, 1), "default": dht.DefaultConfig()} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s config: %v", name, err)
		}
	}
	// The py-dht profile accepts rates that sum above 100 (two draws).
	cfg := dhttest.Config(10, 1)
	cfg.Profile = dht.ProfilePyDHT
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 60, 60
	if err := cfg.Validate(); err != nil {
		t.Errorf("py-dht profile with 60%% + 60%%: %v", err)
	}
	net := dhttest.New(t, dhttest.Config(10, 1))
	for _, w := range []int{0, -1, math.MaxInt / 4} {
		var ce *network.ConfigError
		if err := net.BootstrapAll(context.Background(), w); !errors.As(err, &ce) || ce.Field != "workers" {
			t.Errorf("BootstrapAll(workers=%d) = %v, want a ConfigError naming workers", w, err)
		}
	}
}

// Under the py-dht profile the termination rule is py-dht's, and the link
// layer follows py-dht's rules.
func TestProfileImpliesRules(t *testing.T) {
	cfg := dhttest.Config(50, 1)
	cfg.Profile = dht.ProfilePyDHT
	net := dhttest.New(t, cfg)
	got := net.Config()
	if got.Client.Termination != lookup.PyDHT || !got.Network.PyDHT {
		t.Fatalf("py-dht profile: termination %v, link rules py-dht %v", got.Client.Termination, got.Network.PyDHT)
	}
	for _, name := range []string{"godht", "pydht"} {
		p, err := dht.ParseProfile(name)
		if err != nil || p.String() != name {
			t.Errorf("ParseProfile(%q) = %v, %v", name, p, err)
		}
	}
	if _, err := dht.ParseProfile("python"); err == nil {
		t.Error("ParseProfile accepted an unknown profile")
	}
}

// A network too big for the machine is an error naming Nodes and what it
// would need, before any memory is taken; on demand the same size fits.
func TestNetworkTooBigForTheMachine(t *testing.T) {
	cfg := dhttest.Config(dht.MaxNodes, 1)
	cfg.Tables = dht.TablesEager
	_, err := dht.Spawn(cfg)
	var ce *network.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Nodes" || !strings.Contains(ce.Allowed, "GiB") {
		t.Fatalf("Spawn of %d nodes with eager tables: %v", dht.MaxNodes, err)
	}
}

// TestWarningsNameTheStaleTrap: the stale rule with alpha >= steps ends a
// lookup after its first round, so the configuration warns; with alpha
// below steps, or another rule, it does not.
func TestWarningsNameTheStaleTrap(t *testing.T) {
	cfg := dht.DefaultConfig()
	cfg.Client.Termination = lookup.Stale
	cfg.Client.Alpha, cfg.Client.StepsToStop = 10, 3
	if w := cfg.Warnings(); len(w) != 1 || !strings.Contains(w[0], "termination stale") {
		t.Fatalf("stale, alpha 10, steps 3: warnings %q, want one naming termination stale", w)
	}
	cfg.Client.Alpha = 2
	if w := cfg.Warnings(); len(w) != 0 {
		t.Fatalf("stale, alpha 2, steps 3: warnings %q, want none", w)
	}
	cfg.Client.Alpha, cfg.Client.Termination = 10, lookup.KClosest
	if w := cfg.Warnings(); len(w) != 0 {
		t.Fatalf("kclosest: warnings %q, want none", w)
	}
}

// Each profile's defaults are a valid configuration of that profile, and
// go-dht's are DefaultConfig's.
func TestProfileDefaults(t *testing.T) {
	for _, p := range []dht.Profile{dht.ProfileGoDHT, dht.ProfilePyDHT} {
		c := dht.ProfileDefaults(p)
		if c.Profile != p {
			t.Fatalf("%v: profile %v", p, c.Profile)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("%v: %v", p, err)
		}
	}
	if dht.ProfileDefaults(dht.ProfileGoDHT) != dht.DefaultConfig() {
		t.Fatal("go-dht's profile defaults are not DefaultConfig")
	}
	if c := dht.ProfileDefaults(dht.ProfilePyDHT); c.Fill != dht.FillClosest || c.Client.Termination != lookup.PyDHT {
		t.Fatalf("py-dht profile defaults: fill %v, termination %v", c.Fill, c.Client.Termination)
	}
}
