package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/proto"
)

// Source remembers where each field of a decoded text model was written,
// so that validation can point at the line and column of a mistake. It
// keeps the parsed YAML tree rather than a table of positions: looking a
// path up costs a walk down the tree, paid only for the fields that are
// reported. A Source of binary input knows only its file name.
type Source struct {
	File string
	root *yaml.Node // nil for binary input or an empty file
}

// Pos returns the line and column where path was written, or those of
// the nearest enclosing field that was written (a missing id points at
// its vertex). It returns 0, 0 when nothing is known.
func (s *Source) Pos(path string) (line, col int) {
	n, _ := s.find(path)
	if n == nil {
		return 0, 0
	}
	return n.Line, n.Column
}

// written reports whether path itself appears in the text.
func (s *Source) written(path string) bool {
	_, exact := s.find(path)
	return exact
}

// find walks path down the tree and returns the deepest node reached and
// whether it is the node of the whole path.
func (s *Source) find(path string) (*yaml.Node, bool) {
	if s == nil || s.root == nil {
		return nil, false
	}
	n := s.root
	for path != "" {
		seg, rest := nextSegment(path)
		child := childNode(derefNode(n), seg)
		if child == nil {
			return n, false
		}
		n, path = child, rest
	}
	return n, true
}

// nextSegment splits "vertices[1].gate" into "vertices" and "[1].gate",
// and "[1].gate" into "[1]" and "gate".
func nextSegment(path string) (seg, rest string) {
	if strings.HasPrefix(path, "[") {
		end := strings.IndexByte(path, ']')
		if end < 0 {
			return path, ""
		}
		return path[:end+1], strings.TrimPrefix(path[end+1:], ".")
	}
	end := strings.IndexAny(path, ".[")
	if end < 0 {
		return path, ""
	}
	return path[:end], strings.TrimPrefix(path[end:], ".")
}

func derefNode(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// childNode returns the element "[i]" of a sequence or the value of a
// key of a mapping, looking through merge keys; nil when absent.
func childNode(n *yaml.Node, seg string) *yaml.Node {
	if strings.HasPrefix(seg, "[") {
		i, err := strconv.Atoi(strings.Trim(seg, "[]"))
		if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
			return nil
		}
		return n.Content[i]
	}
	budget := 1000
	return lookupKey(n, seg, 0, &budget)
}

// lookupKey finds key in a mapping and, failing that, in the mappings it
// merges, within a budget of mappings visited.
func lookupKey(n *yaml.Node, key string, depth int, budget *int) *yaml.Node {
	if *budget--; n.Kind != yaml.MappingNode || depth > maxMergeDepth || *budget < 0 {
		return nil
	}
	var merged []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if isMerge(k) {
			merged = append(merged, derefNode(n.Content[i+1]))
		} else if k.Value == key {
			return n.Content[i+1]
		}
	}
	for _, m := range merged {
		sources := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			sources = m.Content
		}
		for _, src := range sources {
			if c := lookupKey(derefNode(src), key, depth+1, budget); c != nil {
				return c
			}
		}
	}
	return nil
}

// Load reads a model file and validates it. The format follows the
// extension (.yaml, .yml, .json or .pb); for any other name the content
// decides: protobuf when the bytes are not text, YAML (which covers JSON)
// otherwise. On any error Load returns a nil model and either a
// Diagnostics listing every problem (matching ErrInvalid) or the error of
// reading the file. Warnings are returned in both cases.
func Load(path string) (*pb.Model, Diagnostics, error) {
	m, src, err := readModel(path)
	if err != nil {
		return nil, nil, err
	}

	warnings, err := Validate(m, src)
	if err != nil {
		return nil, warnings, err
	}
	return m, warnings, nil
}

// Open reads, validates and compiles a model file: Load and then Compile,
// with the same results and errors, for the commands that run a model.
// It looks every id up once, where Load and Compile each look them all
// up, which matters for models of a million vertices.
func Open(path string) (*Graph, Diagnostics, error) {
	m, src, err := readModel(path)
	if err != nil {
		return nil, nil, err
	}

	v := newValidator(m, src, true)
	warnings, err := v.check()
	if err != nil {
		return nil, warnings, err
	}
	return compileRefs(m, v.refs()), warnings, nil
}

// readModel reads and decodes a file. The bytes are dropped on return, so
// a large binary file is not held while its model is checked.
func readModel(path string) (*pb.Model, *Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("model: %w", err)
	}
	return Decode(path, data)
}

// Decode turns the bytes of a model file into a Model without validating
// it; name is used for the format (as in Load) and in diagnostics. Syntax
// and type errors come back as a Diagnostics with lines and columns. The
// Source locates fields for Validate.
func Decode(name string, data []byte) (*pb.Model, *Source, error) {
	if isBinary(name, data) {
		return decodeBinary(name, data)
	}
	return decodeText(name, data)
}

// isBinary chooses protobuf for .pb files and, without a known extension,
// for bytes that are not UTF-8 text or hold control characters YAML
// forbids.
func isBinary(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pb":
		return true
	case ".yaml", ".yml", ".json":
		return false
	}

	if !utf8.Valid(data) {
		return true
	}
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

// decodeBinary tries the fast path of pbdecode.go first and falls back
// to proto.Unmarshal, which then decides the model or the error.
func decodeBinary(name string, data []byte) (*pb.Model, *Source, error) {
	if m, ok := decodeFast(data); ok {
		return m, &Source{File: name}, nil
	}
	m := &pb.Model{}
	if err := proto.Unmarshal(data, m); err != nil {
		return nil, nil, Diagnostics{{File: name,
			Msg: "not a model in protobuf form: " + err.Error()}}
	}
	return m, &Source{File: name}, nil
}
