package das_test

import (
	"fmt"
	"testing"

	"github.com/go-dht/go-dht/dht/workload/das"
)

// BenchmarkReconstruct rebuilds a PANDAS-sized block (512 x 512) under
// each withholding pattern. An op copies the published block (32 KiB)
// and rebuilds it with a warmed Reconstructor; ns/cell is per cell of the
// block.
func BenchmarkReconstruct(b *testing.B) {
	g := das.Geometry{Rows: 512, Cols: 512}
	for _, w := range []das.Withholding{
		{},
		{Pattern: das.PatternRandom, Share: 0.25},
		{Pattern: das.PatternRandom, Share: 0.7},
		{Pattern: das.PatternRows, Share: 0.5},
		{Pattern: das.PatternCols, Share: 0.75},
		{Pattern: das.PatternMinimal},
	} {
		b.Run(fmt.Sprintf("512x512/%v", w), func(b *testing.B) {
			src := withheld(b, g, w, 1)
			blk := mustBlock(b, g)
			var rec das.Reconstructor
			var res das.Reconstruction
			rec.Reconstruct(src.Clone()) // sizes its scratch space and queues
			b.ReportAllocs()
			for b.Loop() {
				if err := blk.CopyFrom(src); err != nil {
					b.Fatal(err)
				}
				res = rec.Reconstruct(blk)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.Cells()), "ns/cell")
			b.ReportMetric(float64(res.Passes), "passes")
		})
	}
}

// BenchmarkSample draws PANDAS's 75 samples for each of 20,000 validators
// of a 512 x 512 block: an op is the whole slot's draw, into one reused
// buffer per validator set.
func BenchmarkSample(b *testing.B) {
	g := das.Geometry{Rows: 512, Cols: 512}
	const validators, samples = 20000, 75
	b.Run(fmt.Sprintf("validators=%d/samples=%d", validators, samples), func(b *testing.B) {
		s, err := das.NewSampler(g, samples, 1)
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]int, 0, samples)
		b.ReportAllocs()
		for b.Loop() {
			for v := range validators {
				buf = s.Draw(v, buf)
			}
		}
		per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(per/validators, "ns/validator")
		b.ReportMetric(per/(validators*samples), "ns/sample")
	})
}
