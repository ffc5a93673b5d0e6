package study

import (
	"errors"
	"fmt"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/routing"
)

// modelField maps a field of dht.Config, as a *network.ConfigError names
// it, to the study keys that set it, and says how to repair it so that
// Validate, called again, reports the next invalid field: Validate stops
// at the first, and a file should show all of its errors at once. A
// repair sets the value that can hide no other error (k = routing.MaxK,
// under which any beta in range passes; error rates 0), never a value a
// combination will run with.
type modelField struct {
	keys   []string
	repair func(c *dht.Config)
}

var modelFields = map[string]modelField{
	"Nodes":   {[]string{"nodes"}, func(c *dht.Config) { c.Nodes = dht.DefaultConfig().Nodes }},
	"Profile": {[]string{"profile"}, func(c *dht.Config) { c.Profile = dht.ProfileGoDHT }},
	"Workers": {nil, func(c *dht.Config) { c.Workers = 1 }},

	// A beta that the file left to k was resolved from the bad k: it gets
	// k's repair too (repairBeta), or it would be reported as well.
	"Client.K":           {[]string{"k"}, func(c *dht.Config) { c.Client.K = routing.MaxK }},
	"Client.Alpha":       {[]string{"alpha"}, func(c *dht.Config) { c.Client.Alpha = 1 }},
	"Client.Beta":        {[]string{"beta"}, func(c *dht.Config) { c.Client.Beta = 1 }},
	"Client.StepsToStop": {[]string{"steps"}, func(c *dht.Config) { c.Client.StepsToStop = 1 }},
	// Default is valid under both profiles: each reads it as its own rule.
	"Client.Termination": {[]string{"termination"}, func(c *dht.Config) { c.Client.Termination = lookup.Default }},

	"Network.FastErrorRate": {[]string{"fast_error_rate"}, func(c *dht.Config) { c.Network.FastErrorRate = 0 }},
	"Network.SlowErrorRate": {[]string{"slow_error_rate"}, func(c *dht.Config) { c.Network.SlowErrorRate = 0 }},
	"Network.FastErrorRate+SlowErrorRate": {[]string{"fast_error_rate", "slow_error_rate"}, func(c *dht.Config) {
		c.Network.FastErrorRate, c.Network.SlowErrorRate = 0, 0
	}},
	"Network.ConnDelay": {[]string{"conn_delay"}, func(c *dht.Config) { c.Network.ConnDelay = network.DelayRange{} }},
	"Network.FastDelay": {[]string{"fast_delay"}, func(c *dht.Config) { c.Network.FastDelay = network.DelayRange{} }},
	"Network.SlowDelay": {[]string{"slow_delay"}, func(c *dht.Config) { c.Network.SlowDelay = network.DelayRange{} }},
	"Network.Gamma":     {[]string{"gamma"}, func(c *dht.Config) { c.Network.Gamma = 0 }},
	"Network.Latency":   {[]string{"latency"}, func(c *dht.Config) { c.Network.Latency = nil }},
	"Network.Churn":     {[]string{"churn"}, func(c *dht.Config) { c.Network.Churn = churn.Model{} }},
	"Network.LeaveRate": {[]string{"leave_rate"}, func(c *dht.Config) { c.Network.LeaveRate = 0 }},
	"Client.Policy":     {[]string{"policy"}, func(c *dht.Config) { c.Client.Policy = routing.Closest }},
	"Tables":            {[]string{"tables"}, func(c *dht.Config) { c.Tables = dht.TablesAuto }},
	"Fill":              {[]string{"fill"}, func(c *dht.Config) { c.Fill = dht.FillDefault }},
	"Growth.Peers":      {[]string{"grow_peers"}, func(c *dht.Config) { c.Growth.Peers = dht.DefaultGrowth().Peers }},
	"Growth.Interval":   {[]string{"grow_interval"}, func(c *dht.Config) { c.Growth.Interval = dht.MinGrowthInterval }},

	"Maintenance.FailLimit": {[]string{"fail_limit"}, func(c *dht.Config) { c.Maintenance.FailLimit = 0 }},
	"Maintenance.Refresh":   {[]string{"refresh"}, func(c *dht.Config) { c.Maintenance.Refresh = 0 }},
	"Maintenance.Joins":     {[]string{"joins"}, func(c *dht.Config) { c.Maintenance.Joins, c.Maintenance.JoinPeers = 0, 0 }},
}

// maxRepairs bounds the rounds of validateModel: more than one per field
// would mean that a repair did not repair.
var maxRepairs = len(modelFields) + 1

// validateModel returns every error dht.Config.Validate finds in p's
// configuration, by validating, repairing the field it names, and
// validating again. betaFromK says that the file left beta to k.
func validateModel(p Params, betaFromK bool) []problem {
	cfg := p.config()
	var ps []problem
	for range maxRepairs {
		err := cfg.Validate()
		if err == nil {
			return ps
		}
		var ce *network.ConfigError
		if !errors.As(err, &ce) {
			// dht's Validate returns only typed errors; an untyped one is
			// reported whole rather than lost.
			return append(ps, problem{keys: []string{"dht"}, value: err.Error(), kind: ErrOutOfRange, cause: err})
		}
		f, ok := modelFields[ce.Field]
		if !ok {
			return append(ps, problem{keys: []string{"dht." + ce.Field}, value: ce.Value, allowed: ce.Allowed, kind: ErrOutOfRange, cause: err})
		}
		value := ce.Value
		if len(f.keys) == 2 { // the sum of the error rates: show both terms
			value = fmt.Sprintf("%s + %s = %s", formatFloat(cfg.Network.FastErrorRate), formatFloat(cfg.Network.SlowErrorRate), ce.Value)
		}
		allowed := ce.Allowed
		if ce.Field == "Client.Beta" {
			allowed += ", or 0 for k"
		}
		keys := f.keys
		if keys == nil {
			keys = []string{"dht." + ce.Field}
		}
		ps = append(ps, problem{keys: keys, value: value, allowed: allowed, kind: ErrOutOfRange, cause: err})
		f.repair(&cfg)
		if ce.Field == "Client.K" && betaFromK {
			cfg.Client.Beta = cfg.Client.K
		}
	}
	return ps
}

// validateRepublish checks republish against the availability workload's
// bounds (workload.MinRepublish..MaxRepublish, or 0): a shorter period
// would schedule more provides than a run can hold. It is a bound, checked
// with the others once every value could be read.
func validateRepublish(p Params) []problem {
	if r := p.Republish; r != 0 && (r < workload.MinRepublish || r > workload.MaxRepublish) {
		return []problem{{keys: []string{"republish"}, value: r.String(), allowed: republishAllowed, kind: ErrOutOfRange}}
	}
	return nil
}

// maintenanceKeys are the model keys only the availability workload
// honours: it alone runs maintenance (dht.Run.Maintain: refresh, joins)
// and republishes. The other workloads run operations on tables as built.
var maintenanceKeys = []struct {
	key string
	off func(p Params) bool
}{
	{"refresh", func(p Params) bool { return p.Refresh == 0 }},
	{"republish", func(p Params) bool { return p.Republish == 0 }},
	{"joins", func(p Params) bool { return p.Joins == 0 }},
}

// unhonoured refuses the maintenance keys set in a workload that would
// ignore them: a sweep of them would give identical combinations under
// different names.
func unhonoured(v values) []problem {
	if v.w.Type == Availability {
		return nil
	}
	var ps []problem
	for _, m := range maintenanceKeys {
		if m.off(v.p) {
			continue
		}
		var def values
		keyDefs[keyIndex[m.key]].def(v.w.Type)(&def)
		ps = append(ps, problem{keys: []string{m.key}, kind: ErrWrongWorkload,
			allowed: fmt.Sprintf("%s (off) under workload type %s: %s is honoured only by workload type %s, which runs maintenance and republishes",
				keyDefs[keyIndex[m.key]].get(&def), v.w.Type, m.key, Availability)})
	}
	return ps
}
