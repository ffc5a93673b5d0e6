package dht_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/network"
)

// TestRefreshPeriodBounded checks that a bucket refresh period outside
// dht.MinRefresh..dht.MaxRefresh (1m..8760h) is refused by
// Maintenance.Validate and Config.Validate, naming the field and the range:
// every refresh looks up every bucket of every node online, and the
// review's refresh: 1ms ran out of memory.
func TestRefreshPeriodBounded(t *testing.T) {
	if dht.MinRefresh != time.Minute || dht.MaxRefresh != 8760*time.Hour {
		t.Fatalf("MinRefresh, MaxRefresh = %v, %v; the documentation says 1m, 8760h", dht.MinRefresh, dht.MaxRefresh)
	}
	for _, refresh := range []time.Duration{time.Millisecond, time.Minute - 1, dht.MaxRefresh + 1, -time.Second} {
		m := dht.Maintenance{Refresh: refresh}
		var ce *network.ConfigError
		if err := m.Validate(); !errors.As(err, &ce) || ce.Field != "Maintenance.Refresh" || !strings.Contains(ce.Allowed, "1m0s..8760h0m0s") {
			t.Errorf("Refresh %v: Validate() = %v; want a *ConfigError on Maintenance.Refresh allowing 1m0s..8760h0m0s", refresh, err)
		}
		cfg := dhttest.Config(50, 1)
		cfg.Maintenance = m
		if err := cfg.Validate(); !errors.As(err, &ce) || ce.Field != "Maintenance.Refresh" {
			t.Errorf("Refresh %v: Config.Validate() = %v", refresh, err)
		}
	}
	for _, refresh := range []time.Duration{0, time.Minute, dht.MaxRefresh} {
		if err := (dht.Maintenance{Refresh: refresh}).Validate(); err != nil {
			t.Errorf("Refresh %v: %v", refresh, err)
		}
	}
}

// TestEveryKeepsItsPlace checks Run.Every: f runs at first, first+period,
// ... up to until, and at each of those times before the events scheduled
// after the call to Every, as if every run had been scheduled at the call;
// only one run is pending at a time.
func TestEveryKeepsItsPlace(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(20, 3))
	run := net.NewRun()
	var order []string
	if err := run.At(time.Hour, func() { order = append(order, "before@1h") }); err != nil {
		t.Fatal(err)
	}
	if err := run.Every(time.Hour, time.Hour, 3*time.Hour+time.Minute, func() { order = append(order, "every@"+run.Now().String()) }); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour} {
		if err := run.At(at, func() {
			order = append(order, "after@"+run.Now().String())
			if at == time.Hour {
				// Scheduled while the series runs, still after it.
				run.At(2*time.Hour, func() { order = append(order, "later@2h0m0s") })
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "before@1h every@1h0m0s after@1h0m0s every@2h0m0s after@2h0m0s later@2h0m0s every@3h0m0s after@3h0m0s"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order:\n%s\nwant\n%s", got, want)
	}
	for _, bad := range [][3]time.Duration{{time.Hour, 0, 2 * time.Hour}, {-1, time.Hour, 2 * time.Hour}} {
		if err := net.NewRun().Every(bad[0], bad[1], bad[2], func() {}); err == nil {
			t.Errorf("Every%v accepted", bad)
		}
	}
}
