package study

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// WarningsKey is the top-level key under which a combination's
// params.yaml records its warnings. Parse reads it (a list of sentences)
// and ignores it: warnings follow from the parameters, so a params.yaml
// still reads as the study of its combination.
const WarningsKey = "warnings"

// Warnings returns the choices of the combination that pass validation
// but are known traps (dht.Config.Warnings), each a sentence naming the
// study keys at fault; none for most combinations.
func (c Combination) Warnings() []string {
	cfg, _ := c.Params.Build() // the latency file was read by Parse
	return cfg.Warnings()
}

// Warning is one distinct warning of a set of combinations.
type Warning struct {
	// Text is the sentence of dht.Config.Warnings.
	Text string
	// Combinations names the combinations it applies to, in index order.
	Combinations []string
}

// Warnings returns the distinct warnings of cs, in the order they first
// appear, each with the combinations it applies to: a runner prints each
// once, however many combinations share it.
func Warnings(cs []Combination) []Warning {
	var ws []Warning
	at := map[string]int{}
	for _, c := range cs {
		for _, text := range c.Warnings() {
			i, ok := at[text]
			if !ok {
				i = len(ws)
				at[text] = i
				ws = append(ws, Warning{Text: text})
			}
			ws[i].Combinations = append(ws[i].Combinations, c.Name)
		}
	}
	return ws
}

// paramsFile is the content of a combination's params.yaml: ParamsYAML,
// then its warnings under WarningsKey when it has any.
func (c Combination) paramsFile() []byte {
	y := c.ParamsYAML()
	ws := c.Warnings()
	if len(ws) == 0 {
		return y
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, w := range ws {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: w})
	}
	m := mappingNode()
	addPair(m, WarningsKey, seq)
	return append(bytes.Clone(y), encode(m)...)
}

// warnings checks the value of WarningsKey: a list of sentences.
func (ps *parser) warnings(v *yaml.Node) {
	pos := v
	v = resolveAlias(v)
	ok := v.Kind == yaml.SequenceNode
	for _, n := range v.Content {
		if n = resolveAlias(n); n.Kind != yaml.ScalarNode {
			ok = false
		}
	}
	if !ok {
		ps.add(at(&FileError{Kind: ErrWrongType, Value: describe(v),
			Allowed: "a list of sentences (dhtsim run records a combination's warnings there; they are not read back)"}, WarningsKey, pos))
	}
}
