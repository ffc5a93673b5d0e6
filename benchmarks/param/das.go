package param

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/dht/workload/das"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/bandwidth"
)

// The DAS parameters of a slot (package dht/workload/das): what the
// builder withholds, the verdict's threshold, the node classes.

// NoClasses is the text of workload.classes when the slot has none: every
// node honest, one validator per validator node, no custody, the
// network's rates.
const NoClasses = "none"

// ClassKeys are the keys of one class of workload.classes, in canonical
// order.
var ClassKeys = []string{"name", "share", "validators_per_node", "custody_rows", "custody_cols", "behaviour", "upload", "download"}

// classesAllowed says what workload.classes accepts.
const classesAllowed = "none, or a list of classes, each a mapping of " +
	"name, share (0..1, the shares summing to 1), validators_per_node, custody_rows, custody_cols, " +
	"behaviour (honest, unresponsive, malicious), upload and download (bandwidth specs: " + bandwidth.Forms + "); " +
	"a list of such lists sweeps them"

// classesKind reads workload.classes: none, or a YAML list of mappings of
// ClassKeys (in flow style, as a study file's list is written back). It
// checks what does not depend on the block (names, the shares' sum, each
// field's range); the custody against the block's rows and columns is
// checked with the workload.
func classesKind() kind {
	return kind{
		typ: "list of classes", scalar: Mappings, goType: reflect.TypeFor[das.Classes](), allowed: classesAllowed,
		parse: func(s string) (any, error) {
			if strings.TrimSpace(s) == NoClasses {
				return das.Classes(nil), nil
			}
			dec := yaml.NewDecoder(strings.NewReader(s))
			dec.KnownFields(true)
			var cs das.Classes
			if err := dec.Decode(&cs); err != nil {
				return nil, fmt.Errorf("not a list of classes: %v", err)
			}
			if cs == nil {
				return nil, fmt.Errorf("not a list of classes")
			}
			// Any custody is within the largest block: the block's own
			// bound is the workload's check.
			if err := cs.Validate(das.Geometry{Rows: MaxRows, Cols: MaxCols}); err != nil {
				var ce *network.ConfigError
				if errors.As(err, &ce) {
					return nil, &boundError{allowed: ce.Field + ": " + ce.Allowed, err: err}
				}
				return nil, err
			}
			return cs, nil
		},
		check: func(v any) bool {
			cs := v.(das.Classes)
			return cs == nil || cs.Validate(das.Geometry{Rows: MaxRows, Cols: MaxCols}) == nil
		},
		format: func(v any) string { return FormatClasses(v.(das.Classes)) },
	}
}

// FormatClasses writes classes as workload.classes reads them: none, or a
// flow list of mappings with every key of ClassKeys.
func FormatClasses(cs das.Classes) string {
	if len(cs) == 0 {
		return NoClasses
	}
	out, err := yaml.Marshal(ClassesNode(cs))
	if err != nil {
		panic("param: encoding classes: " + err.Error()) // nodes built here
	}
	return string(bytes.TrimSpace(out))
}

// ClassesNode is the YAML of classes: a flow list of flow mappings.
func ClassesNode(cs das.Classes) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	num := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }
	for _, c := range cs {
		m := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		for _, kv := range []struct {
			k string
			v *yaml.Node
		}{
			{"name", str(c.Name)}, {"share", num(strconv.FormatFloat(c.Share, 'g', -1, 64))},
			{"validators_per_node", num(strconv.Itoa(c.ValidatorsPerNode))},
			{"custody_rows", num(strconv.Itoa(c.CustodyRows))}, {"custody_cols", num(strconv.Itoa(c.CustodyCols))},
			{"behaviour", str(c.Behaviour.String())}, {"upload", str(c.Upload.String())}, {"download", str(c.Download.String())},
		} {
			m.Content = append(m.Content, str(kv.k), kv.v)
		}
		seq.Content = append(seq.Content, m)
	}
	return seq
}

// ClassesLabel names classes in a combination's name or a chart: their
// names joined by '+' (home+mute+liar), none for none.
func ClassesLabel(text string) string {
	if strings.TrimSpace(text) == NoClasses {
		return NoClasses
	}
	var cs das.Classes
	if err := yaml.Unmarshal([]byte(text), &cs); err != nil {
		return text
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, "+")
}

// evenIn reads an even integer in 2..hi: a side of an extended block,
// whose data is the first half.
func evenIn(hi int) kind {
	k := intIn(2, hi, "")
	k.allowed = fmt.Sprintf("an even integer in 2..%d (the 2D Reed-Solomon extension doubles the data)", hi)
	k.check = func(v any) bool { x := v.(int); return x >= 2 && x <= hi && x%2 == 0 }
	return k
}

// thresholdKind reads workload.threshold: a share above 0 and at most 1.
func thresholdKind() kind {
	k := floatIn(0, 1, "")
	k.allowed = fmt.Sprintf("a number above 0 and at most 1 (das-research: %v)", das.DefaultThreshold)
	k.check = func(v any) bool { x := v.(float64); return x > 0 && x <= 1 }
	return k
}

// slot checks a slot's DAS parameters together and against the block
// (workload.Slot.Validate, every error it finds: validate, repair the
// field it names, validate again), and refuses rates from the slot
// together with the network's.
func (v *validator) slot() {
	s := &v.s
	sl := s.Workload.Slot
	// Several classes may be wrong, and the rates too: a problem is left
	// out only for a parameter another check found wrong, not for one
	// this check did.
	mine := map[*Param]bool{}
	add := func(pr Problem) {
		for _, p := range pr.Params {
			if v.bad[p] && !mine[p] {
				return
			}
		}
		wasBad := map[*Param]bool{}
		for _, p := range pr.Params {
			wasBad[p] = v.bad[p]
			v.bad[p] = false
		}
		v.add(pr)
		for _, p := range pr.Params {
			mine[p] = mine[p] || !wasBad[p]
		}
	}
	for range 16 {
		err := sl.Validate(s.Config.Nodes)
		var ce *network.ConfigError
		if err == nil || !errors.As(err, &ce) {
			break
		}
		pr := Problem{Value: ce.Value, Allowed: ce.Allowed, Err: err}
		if ps := ByField("Workload.Slot." + ce.Field); len(ps) > 0 {
			pr.Params = ps
			if ce.Field == "Withholding.Share" { // the share the pattern allows
				pr.Params = append(ps, MustKey("workload.withholding"))
			}
		} else if strings.HasPrefix(ce.Field, "Classes") {
			pr.Params, pr.Value = []*Param{MustKey("workload.classes")}, ce.Field+" = "+ce.Value
		} else if ce.Field == "Rows x Cols" {
			pr.Params = []*Param{MustKey("workload.rows"), MustKey("workload.cols")}
		} else {
			// A bound of another parameter's range, reported already.
			break
		}
		add(pr)
		if !repairSlot(&sl, ce.Field) {
			break
		}
	}
	if cfg := s.Config.Network; cfg.Upload.Unlimited() && cfg.Download.Unlimited() {
		return
	}
	var ps []*Param
	for _, c := range sl.Classes {
		if !c.Upload.Unlimited() || !c.Download.Unlimited() {
			ps = append(ps, MustKey("workload.classes"))
			break
		}
	}
	if !sl.BuilderUpload.Unlimited() {
		ps = append(ps, MustKey("workload.builder_upload"))
	}
	if !sl.BuilderDownload.Unlimited() {
		ps = append(ps, MustKey("workload.builder_download"))
	}
	if ps == nil {
		return
	}
	var keys []string
	for _, p := range ps {
		keys = append(keys, p.Key)
	}
	add(Problem{Params: append(ps, MustKey("upload"), MustKey("download")),
		Value:   fmt.Sprintf("%s set, upload %v, download %v", strings.Join(keys, " and "), s.Config.Network.Upload, s.Config.Network.Download),
		Allowed: "rates from the slot (classes, builder_upload, builder_download) or from upload and download, not both"})
}

// repairSlot sets the field of sl that Validate refused to a value that
// hides no other error, and reports whether it could.
func repairSlot(sl *workload.Slot, field string) bool {
	switch field {
	case "SampleStart", "ProvidedShare":
		sl.SampleStart, sl.ProvidedShare = workload.AfterProvides, 0
	case "SampleTimeout":
		sl.SampleTimeout = 0
	case "Threshold":
		sl.Threshold = 0
	case "Withholding.Share", "Withholding.Pattern":
		sl.Withholding = das.Withholding{}
	case "BuilderUpload":
		sl.BuilderUpload = das.Bandwidth{}
	case "BuilderDownload":
		sl.BuilderDownload = das.Bandwidth{}
	case "Rows":
		sl.Rows = max(2, sl.Rows+sl.Rows%2) // even: an extended block
	case "Cols":
		sl.Cols = max(2, sl.Cols+sl.Cols%2)
	case "Validators", "Samples", "ProvidesInFlight", "SegmentSize":
		// Their ranges and bounds are checked apart (ranges, workload).
		sl.Validators, sl.Samples, sl.ProvidesInFlight, sl.SegmentSize = 1, 1, 1, 1
	case "Deadline":
		sl.Deadline = MinDeadline
	case "Rows x Cols":
		return false // the block: every other check depends on it
	default:
		if !strings.HasPrefix(field, "Classes") {
			return false
		}
		repairClass(sl, field)
	}
	return true
}

// repairClass sets the field of a class that Validate refused
// (Classes[NAME].Field) to a value that hides no other error; a refusal
// of the list as a whole (shares, names) drops the classes.
func repairClass(sl *workload.Slot, field string) {
	name, f, ok := strings.Cut(strings.TrimPrefix(field, "Classes["), "].")
	i := -1
	for j, c := range sl.Classes {
		if c.Name == name {
			i = j
		}
	}
	if !ok || i < 0 {
		sl.Classes = nil
		return
	}
	cs := append(das.Classes(nil), sl.Classes...) // the caller's stays
	c := &cs[i]
	switch f {
	case "ValidatorsPerNode":
		c.ValidatorsPerNode = 0
	case "CustodyRows":
		c.CustodyRows = 0
	case "CustodyCols":
		c.CustodyCols = 0
	case "Behaviour":
		c.Behaviour = das.Honest
	case "Upload":
		c.Upload = das.Bandwidth{}
	case "Download":
		c.Download = das.Bandwidth{}
	default:
		cs = nil
	}
	sl.Classes = cs
}
