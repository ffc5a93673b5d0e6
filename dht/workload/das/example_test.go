package das_test

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/dht/workload/das"
)

// Example runs the availability logic of one slot: a builder withholds the
// minimal unrecoverable pattern of an 8 x 8 block; validators sample it;
// those whose samples all find a cell present succeed (about 13 %: C(39,4)/C(64,4)); their verdict
// is set beside the truth.
func Example() {
	g := das.Geometry{Rows: 8, Cols: 8}
	block, _ := das.NewBlock(g)
	w := das.Withholding{Pattern: das.PatternMinimal}
	if err := w.Apply(block, 1); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(block)

	truth := das.Reconstruct(block.Clone())
	fmt.Printf("withheld %d of %d cells; recoverable %v, %d cells after reconstruction\n",
		g.Cells()-block.Present(), g.Cells(), truth.Recoverable, truth.Present)

	sampler, _ := das.NewSampler(g, 4, 1)
	success := make([]bool, 100)
	var cells []int
	for v := range success {
		cells = sampler.Draw(v, cells)
		success[v] = block.CountWithheld(cells) == 0
	}
	verdict, _ := das.Judge(success, das.DefaultThreshold, truth.Recoverable)
	fmt.Printf("%d of %d validators succeeded (%d needed): available %v, false accept %v\n",
		verdict.Succeeded, verdict.Validators, verdict.Needed, verdict.Available, verdict.FalseAccept())
	// Output:
	// #.##....
	// #.##....
	// ########
	// ########
	// #.##....
	// #.##....
	// ########
	// #.##....
	// withheld 25 of 64 cells; recoverable false, 39 cells after reconstruction
	// 13 of 100 validators succeeded (90 needed): available false, false accept false
}

// ExampleReconstructor_Reconstruct rebuilds a 4 x 4 block by hand: row 0
// holds half of its cells and is rebuilt; that gives columns 0 and 1 half
// of theirs; in the second pass rows 1 to 3 hold half of theirs.
func ExampleReconstructor_Reconstruct() {
	g := das.Geometry{Rows: 4, Cols: 4}
	b, _ := das.NewBlock(g)
	for _, rc := range [][2]int{{0, 2}, {0, 3}, {1, 1}, {1, 2}, {1, 3}, {2, 0}, {2, 1}, {2, 2}, {2, 3}, {3, 0}, {3, 2}, {3, 3}} {
		b.Withhold(g.Cell(rc[0], rc[1]))
	}
	fmt.Print(b)
	var r das.Reconstructor // reuse it: it allocates nothing after the first block
	fmt.Printf("%+v\n", r.Reconstruct(b))
	// Output:
	// ##..
	// #...
	// ....
	// .#..
	// {Recoverable:true Present:16 Passes:2}
}

// ExampleWithholding shows how many cells each pattern withholds from a
// PANDAS-sized block.
func ExampleWithholding() {
	g := das.Geometry{Rows: 512, Cols: 512}
	b, _ := das.NewBlock(g)
	for _, w := range []das.Withholding{
		{},
		{Pattern: das.PatternRandom, Share: 0.25},
		{Pattern: das.PatternRows, Share: 0.5},
		{Pattern: das.PatternRows, Share: 0.51},
		{Pattern: das.PatternMinimal},
	} {
		if err := w.Apply(b, 7); err != nil {
			fmt.Println(err)
			return
		}
		res := das.Reconstruct(b)
		fmt.Printf("%-12v withheld %6d  recoverable %-5v passes %d\n", w, w.WithheldCells(g), res.Recoverable, res.Passes)
	}
	fmt.Println(das.Withholding{Pattern: das.PatternMinimal, Share: 0.1}.Validate())
	// Output:
	// none         withheld      0  recoverable true  passes 0
	// random:0.25  withheld  65536  recoverable true  passes 1
	// rows:0.5     withheld 131072  recoverable true  passes 1
	// rows:0.51    withheld 133632  recoverable false passes 0
	// minimal      withheld  66049  recoverable false passes 0
	// invalid configuration: Withholding.Share = 0.1, allowed 0 with pattern minimal (it fixes its own size)
}

// ExampleSampler_Draw draws the samples of two validators: each draw
// depends on the seed and the validator alone.
func ExampleSampler_Draw() {
	g := das.Geometry{Rows: 512, Cols: 512}
	s, _ := das.NewSampler(g, 75, 1)
	cells := s.Draw(0, nil)
	fmt.Println(len(cells), cells[:3])
	cells = s.Draw(1, cells) // reuses the buffer
	fmt.Println(len(cells), cells[:3])
	_, err := das.NewSampler(g, 0, 1)
	fmt.Println(err)
	// Output:
	// 75 [70771 249399 75682]
	// 75 [75597 205657 55765]
	// invalid configuration: Samples = 0, allowed 1..rows x cols (262144)
}

// ExampleTally counts verdicts over blocks, two of them wrong.
func ExampleTally() {
	var t das.Tally
	for _, b := range []struct {
		ok          int // validators of 10 that succeeded
		recoverable bool
	}{{10, true}, {7, true}, {9, false}, {1, false}} {
		success := make([]bool, 10)
		for i := range b.ok {
			success[i] = true
		}
		v, _ := das.Judge(success, 0.9, b.recoverable)
		t.Add(v)
	}
	fmt.Printf("%+v\nfalse accept rate %.2f, false reject rate %.2f\n", t, t.FalseAcceptRate(), t.FalseRejectRate())
	// Output:
	// {Blocks:4 Recoverable:2 Available:2 FalseAccepts:1 FalseRejects:1}
	// false accept rate 0.50, false reject rate 0.50
}

// ExampleParseBandwidth reads the specs a study names: rates in bits per
// second, held in bytes per second.
func ExampleParseBandwidth() {
	for _, spec := range []string{"fixed:100Mbit", "uniform:10Mbit-1Gbit", "lognormal:50Mbit,0.5", "unlimited", "fixed:100MB"} {
		b, err := das.ParseBandwidth(spec)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-22v mean %.4g B/s\n", b, b.Mean())
	}
	// Output:
	// fixed:100Mbit          mean 1.25e+07 B/s
	// uniform:10Mbit-1Gbit   mean 6.312e+07 B/s
	// lognormal:50Mbit,0.5   mean 7.082e+06 B/s
	// unlimited              mean +Inf B/s
	// bandwidth "fixed:100MB": "100MB" is not a rate; allowed: a number and a unit of bit, kbit, Mbit, Gbit or Tbit (per second; /s may follow), from 1bit to 1Tbit, such as 100Mbit or 2.5Gbit/s
}

// ExampleClasses reads the classes of a study file and draws five nodes.
func ExampleClasses() {
	const study = `
- name: validator
  share: 0.8
  validators_per_node: 2
  custody_rows: 2
  custody_cols: 2
  upload: fixed:50Mbit
  download: fixed:100Mbit
- name: attacker
  share: 0.2
  behaviour: malicious
`
	var cs das.Classes
	if err := yaml.NewDecoder(strings.NewReader(study)).Decode(&cs); err != nil {
		fmt.Println(err)
		return
	}
	g := das.Geometry{Rows: 512, Cols: 512}
	if err := cs.Validate(g); err != nil {
		fmt.Println(err)
		return
	}
	for id := range uint32(5) {
		n := cs.Node(g, 1, id)
		c := cs[n.Class]
		fmt.Printf("node %d: %s (%v), %d validators, upload %.3g B/s, custody rows %v cols %v\n",
			id, c.Name, c.Behaviour, c.ValidatorsPerNode, n.Upload, n.Custody.Rows, n.Custody.Cols)
	}
	cs[1].Share = 0.3
	fmt.Println(cs.Validate(g))
	// Output:
	// node 0: validator (honest), 2 validators, upload 6.25e+06 B/s, custody rows [81 388] cols [310 353]
	// node 1: validator (honest), 2 validators, upload 6.25e+06 B/s, custody rows [194 263] cols [108 167]
	// node 2: validator (honest), 2 validators, upload 6.25e+06 B/s, custody rows [69 455] cols [52 114]
	// node 3: validator (honest), 2 validators, upload 6.25e+06 B/s, custody rows [296 312] cols [14 182]
	// node 4: attacker (malicious), 0 validators, upload +Inf B/s, custody rows [] cols []
	// invalid configuration: Classes.Share = sum 1.1, allowed shares that sum to 1 (within 1e-9)
}
