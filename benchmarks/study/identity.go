package study

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// identityPrefix starts the line of Identity that records a latency file.
const identityPrefix = "# latency file "

// Identity returns what claims an output folder for the study: the
// content of its StudyFile, which a later run into the folder, and a merge
// of its shards, must match. It is the canonical form (Canonical) preceded
// by one comment line per latency file the study names, with the SHA-256
// of the content Parse read and the combinations run with:
//
//	# latency file /home/me/lab.yaml sha256 9f86d08...
//
// So a latency file edited between two runs into one folder makes the
// second refuse the folder, naming the file, rather than mix results of
// two models in one report. Being comments, the lines leave the identity
// a study file that Parse reads.
func (s *Study) Identity() []byte {
	var b bytes.Buffer
	for _, path := range s.latencyPaths() {
		fmt.Fprintf(&b, "%s%s sha256 %s\n", identityPrefix, path, s.latencyFiles[path].SHA256)
	}
	b.Write(s.Canonical())
	return b.Bytes()
}

// latencyPaths returns the paths of the latency files Parse read, sorted.
func (s *Study) latencyPaths() []string {
	paths := make([]string, 0, len(s.latencyFiles))
	for path := range s.latencyFiles {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	return paths
}

// latencyChange explains why old, the StudyFile of a folder, differs from
// s's identity when the study is the same and a latency file is not: the
// file changed since the folder was claimed, or the folder does not
// record its digest (it was claimed by a go-dht that did not). It returns
// nil when the two differ otherwise (another study).
func (s *Study) latencyChange(old []byte) error {
	recorded := map[string]string{}
	body := old
	for bytes.HasPrefix(body, []byte(identityPrefix)) {
		line, rest, _ := bytes.Cut(body, []byte("\n"))
		path, sum, ok := strings.Cut(strings.TrimPrefix(string(line), identityPrefix), " sha256 ")
		if ok {
			recorded[path] = sum
		}
		body = rest
	}
	if !bytes.Equal(withoutCharts(body), withoutCharts(s.Canonical())) {
		return nil
	}
	for _, path := range s.latencyPaths() {
		now := s.latencyFiles[path].SHA256
		switch then, ok := recorded[path]; {
		case !ok:
			return fmt.Errorf("%s records no digest of latency file %s (it was claimed before go-dht recorded them), "+
				"so its results may come from another content of the file; choose another -out", StudyFile, path)
		case then != now:
			return fmt.Errorf("latency file %s changed since these results were made (sha256 %.12s... then, %.12s... now): "+
				"resuming would mix two models in one report; restore the file, or choose another -out", path, then, now)
		}
	}
	return nil
}
