package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file turns the bytes of a config file into a Config without losing
// track of where each value came from: a syntax check, a walk that builds a
// tree of JSON values with their byte offsets, and a strict decoder that
// fills the Go structs from that tree, reporting unknown fields, duplicate
// keys and type mismatches by JSON path.

// nodeKind is the JSON type of a node.
type nodeKind int

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// node is one JSON value and the byte offset at which it starts.
type node struct {
	kind   nodeKind
	offset int
	text   string // string value, or the literal text of a number
	truth  bool   // value of a bool
	elems  []*node
	fields []field
}

// field is one key of a JSON object, in file order.
type field struct {
	key       string
	keyOffset int
	value     *node
}

// describe names n's type and, for scalars, its value, for "got ..." in
// messages.
func (n *node) describe() string {
	switch n.kind {
	case nodeNull:
		return "null"
	case nodeBool:
		return strconv.FormatBool(n.truth)
	case nodeNumber:
		return "number " + n.text
	case nodeString:
		return "string " + strconv.Quote(n.text)
	case nodeArray:
		return "an array"
	default:
		return "an object"
	}
}

// literal returns n as JSON text when it is a scalar.
func (n *node) literal() string {
	switch n.kind {
	case nodeBool:
		return strconv.FormatBool(n.truth)
	case nodeNumber:
		return n.text
	case nodeString:
		return strconv.Quote(n.text)
	}
	return "null"
}

// syntaxError checks that data is one well-formed JSON value and returns an
// *Error locating the first syntax problem otherwise.
func syntaxError(file string, data []byte, pos position) *Error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &Error{File: file, Msg: `empty file (expected a JSON object with "toolchains", "protobuf" and "targets")`}
	}
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return &Error{File: file, Msg: "invalid JSON: " + err.Error()}
	}
	offset := max(int(syn.Offset)-1, 0) // the offending byte
	msg := "invalid JSON: " + syn.Error()
	switch {
	case int(syn.Offset) >= len(data) && strings.HasPrefix(syn.Error(), "unexpected end"):
		offset = len(bytes.TrimRight(data, " \t\r\n"))
		msg = "unexpected end of file: " + unclosed(data)
	case strings.HasSuffix(syn.Error(), "after top-level value"):
		msg = "unexpected data after the top-level object (a config file holds exactly one JSON object)"
	case data[offset] == '}' || data[offset] == ']':
		if prev := bytes.TrimRight(data[:offset], " \t\r\n"); len(prev) > 0 && prev[len(prev)-1] == ',' {
			offset = len(prev) - 1
			msg = fmt.Sprintf("invalid JSON: trailing comma before %q (JSON allows no comma after the last element)", string(data[int(syn.Offset)-1]))
		}
	case strings.HasSuffix(syn.Error(), "after object key:value pair"):
		msg += ` (expected "," or "}")`
	case strings.HasSuffix(syn.Error(), "after array element"):
		msg += ` (expected "," or "]")`
	case strings.HasSuffix(syn.Error(), "after object key"):
		msg += ` (expected ":")`
	case data[offset] == '/' || data[offset] == '#':
		msg += " (JSON allows no comments)"
	case data[offset] == '\'':
		msg += ` (JSON strings use double quotes ")`
	}
	line, col := pos.lineCol(offset)
	return &Error{File: file, Line: line, Col: col, Msg: msg}
}

// unclosed explains what a truncated JSON document is missing.
func unclosed(data []byte) string {
	var open []byte
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			open = append(open, c)
		case (c == '}' || c == ']') && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	if inString {
		return "unterminated string (missing closing \")"
	}
	if len(open) == 0 {
		return "the JSON value is incomplete"
	}
	closing := make([]byte, 0, len(open))
	for i := len(open) - 1; i >= 0; i-- {
		if open[i] == '{' {
			closing = append(closing, '}')
		} else {
			closing = append(closing, ']')
		}
	}
	return fmt.Sprintf("the JSON is truncated (missing %q to close what is open)", closing)
}

// walker builds a node tree from syntactically valid JSON.
type walker struct {
	data []byte
	dec  *json.Decoder
}

func walk(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := &walker{data: data, dec: dec}
	return w.value()
}

// next reads one token and returns the offset at which it starts.
func (w *walker) next() (json.Token, int, error) {
	offset := int(w.dec.InputOffset())
	for offset < len(w.data) && strings.IndexByte(" \t\r\n,:", w.data[offset]) >= 0 {
		offset++
	}
	tok, err := w.dec.Token()
	return tok, offset, err
}

func (w *walker) value() (*node, error) {
	tok, offset, err := w.next()
	if err != nil {
		return nil, err
	}
	n := &node{offset: offset}
	switch t := tok.(type) {
	case nil:
		n.kind = nodeNull
	case bool:
		n.kind, n.truth = nodeBool, t
	case json.Number:
		n.kind, n.text = nodeNumber, t.String()
	case string:
		n.kind, n.text = nodeString, t
	case json.Delim:
		if t == '[' {
			n.kind = nodeArray
			for w.dec.More() {
				elem, err := w.value()
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, elem)
			}
		} else {
			n.kind = nodeObject
			for w.dec.More() {
				keyTok, keyOffset, err := w.next()
				if err != nil {
					return nil, err
				}
				key, _ := keyTok.(string)
				value, err := w.value()
				if err != nil {
					return nil, err
				}
				n.fields = append(n.fields, field{key: key, keyOffset: keyOffset, value: value})
			}
		}
		if _, _, err := w.next(); err != nil { // the closing delimiter
			return nil, err
		}
	}
	return n, nil
}

// decoder fills Go values from a node tree, remembering where every value
// and key is so that later checks can point at them.
type decoder struct {
	file   string
	pos    position
	errs   Errors
	values map[string]*node // JSON path → value
	keys   map[string]int   // JSON path → offset of the key naming it
	bad    map[string]bool  // JSON paths whose value could not be decoded
}

func newDecoder(file string, pos position) *decoder {
	return &decoder{
		file:   file,
		pos:    pos,
		values: map[string]*node{},
		keys:   map[string]int{},
		bad:    map[string]bool{},
	}
}

// errorAt records a problem at byte offset.
func (d *decoder) errorAt(offset int, path, msg string) {
	line, col := d.pos.lineCol(offset)
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Path: path, Msg: msg})
}

// errorValue records a problem with the value at path.
func (d *decoder) errorValue(path, msg string) {
	d.errorAt(d.offsetOf(path), path, msg)
}

// errorKey records a problem with the key naming path.
func (d *decoder) errorKey(path, msg string) {
	if offset, ok := d.keys[path]; ok {
		d.errorAt(offset, path, msg)
		return
	}
	d.errorValue(path, msg)
}

// offsetOf returns the offset of the value at path or, when it is absent,
// of its nearest present ancestor.
func (d *decoder) offsetOf(path string) int {
	for p := path; ; p = parentPath(p) {
		if n, ok := d.values[p]; ok {
			return n.offset
		}
		if p == "" {
			return 0
		}
	}
}

// has reports whether path is present in the file and was decoded.
func (d *decoder) has(path string) bool {
	_, ok := d.values[path]
	return ok && !d.bad[path]
}

// lineColOf returns "line:col" of the value at path.
func (d *decoder) lineColOf(path string) string {
	line, col := d.pos.lineCol(d.offsetOf(path))
	return fmt.Sprintf("%d:%d", line, col)
}

// parentPath strips the last element from a JSON path.
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

var identifierRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// fieldPath appends an object key to a JSON path, quoting keys that are
// not identifiers: env["MY VAR"].
func fieldPath(parent, key string) string {
	if !identifierRE.MatchString(key) {
		return parent + "[" + strconv.Quote(key) + "]"
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

var durationType = reflect.TypeFor[Duration]()

// typeError records that the value at path is not of the expected type.
func (d *decoder) typeError(n *node, path, want string) {
	d.bad[path] = true
	got := n.describe()
	switch {
	case n.kind == nodeNull:
		got += "; leave the field out instead"
	case strings.HasPrefix(want, "an array") && n.kind != nodeObject:
		got += "; write [" + n.literal() + "]"
	}
	if path == "" {
		d.errorAt(n.offset, path, fmt.Sprintf(`the file must hold a JSON object with "toolchains", "protobuf" and "targets" (got %s)`, got))
		return
	}
	d.errorAt(n.offset, path, fmt.Sprintf("must be %s (got %s)", want, got))
}

// decode fills v from n.
func (d *decoder) decode(n *node, path string, v reflect.Value) {
	d.values[path] = n
	if v.Type() == durationType {
		d.decodeDuration(n, path, v)
		return
	}
	switch v.Kind() {
	case reflect.String:
		if n.kind != nodeString {
			d.typeError(n, path, "a string")
			return
		}
		v.SetString(n.text)
	case reflect.Bool:
		if n.kind != nodeBool {
			d.typeError(n, path, "true or false")
			return
		}
		v.SetBool(n.truth)
	case reflect.Int:
		if n.kind != nodeNumber {
			d.typeError(n, path, "a number")
			return
		}
		i, err := strconv.ParseInt(n.text, 10, 64)
		if err != nil {
			d.bad[path] = true
			d.errorAt(n.offset, path, fmt.Sprintf("must be a whole number (got %s)", n.text))
			return
		}
		v.SetInt(i)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Slice && d.flatCommands(n, path) {
			return
		}
		if n.kind != nodeArray {
			d.typeError(n, path, "an array")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems))
		for i, elem := range n.elems {
			d.decode(elem, indexPath(path, i), s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.kind != nodeObject {
			d.typeError(n, path, "an object")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.fields))
		first := map[string]int{}
		for _, f := range n.fields {
			p := fieldPath(path, f.key)
			if d.duplicateKey(first, f, p) {
				continue
			}
			d.keys[p] = f.keyOffset
			elem := reflect.New(v.Type().Elem()).Elem()
			d.decode(f.value, p, elem)
			m.SetMapIndex(reflect.ValueOf(f.key), elem)
		}
		v.Set(m)
	case reflect.Struct:
		d.decodeStruct(n, path, v)
	default:
		panic(fmt.Sprintf("config: cannot decode into %s", v.Type()))
	}
}

// flatCommands reports (and records) a list of commands, each an array of
// strings (a target's prepare), written as one command line, as one flat
// array, or as an array of command lines, with the nested form to write
// instead: a flat array whose strings hold no spaces is one command, one
// whose strings do is one command line each.
func (d *decoder) flatCommands(n *node, path string) bool {
	var lines []string
	switch n.kind {
	case nodeString:
		lines = []string{n.text}
	case nodeArray:
		var words []string
		for _, e := range n.elems {
			if e.kind != nodeString {
				return false
			}
			words = append(words, e.text)
		}
		lines = words
		if !slices.ContainsFunc(words, func(w string) bool { return strings.ContainsFunc(w, unicode.IsSpace) }) {
			lines = []string{JoinCommand(words)}
		}
	}
	var commands [][]string
	for _, line := range lines {
		if argv := commandWords(line); len(argv) > 0 {
			commands = append(commands, argv)
		}
	}
	if len(commands) == 0 {
		return false
	}
	got := "an array of strings"
	if n.kind == nodeString {
		got = n.describe() + "; commands run without a shell"
	}
	d.bad[path] = true
	d.errorAt(n.offset, path, fmt.Sprintf("must be an array of commands, each an array of strings (got %s; write %s)", got, commandsJSON(commands)))
	return true
}

// commandWords splits a command line written as one string into its words
// by SplitCommand, or at spaces when it is not valid shell syntax.
func commandWords(line string) []string {
	words, err := SplitCommand(line)
	if err != nil {
		return strings.Fields(line)
	}
	return words
}

// duplicateKey reports (and records) whether f repeats a key seen before in
// the same object.
func (d *decoder) duplicateKey(first map[string]int, f field, path string) bool {
	if offset, ok := first[f.key]; ok {
		line, col := d.pos.lineCol(offset)
		d.errorAt(f.keyOffset, path, fmt.Sprintf("duplicate key %q (first at %d:%d); each key may appear once", f.key, line, col))
		return true
	}
	first[f.key] = f.keyOffset
	return false
}

func (d *decoder) decodeDuration(n *node, path string, v reflect.Value) {
	if n.kind != nodeString {
		want := `a duration string such as "30s"`
		if n.kind == nodeNumber {
			d.bad[path] = true
			d.errorAt(n.offset, path, fmt.Sprintf(`must be %s (got number %s; durations need a unit, as in "%ss")`, want, n.text, n.text))
			return
		}
		d.typeError(n, path, want)
		return
	}
	dur, err := time.ParseDuration(n.text)
	if err != nil {
		d.bad[path] = true
		d.errorAt(n.offset, path, fmt.Sprintf(`invalid duration %q: use a Go duration such as "30s" or "2m"`, n.text))
		return
	}
	if dur <= 0 {
		d.bad[path] = true
		d.errorAt(n.offset, path, fmt.Sprintf(`must be greater than 0 (got %q); use a Go duration such as "30s" or "2m"`, n.text))
		return
	}
	v.SetInt(int64(dur))
}

// kindAllows reports whether the object n, decoded into a value of type
// t, may have the field name: a toolchain or target may have only the
// fields of its kind; an object of unknown kind, or of another type, any.
func kindAllows(t reflect.Type, n *node, name string) bool {
	kind := ""
	for _, f := range n.fields {
		if f.key == "kind" && f.value.kind == nodeString {
			kind = f.value.text
		}
	}
	var allowed []string
	var known bool
	switch t {
	case reflect.TypeFor[Toolchain]():
		allowed, known = toolchainKinds()[kind]
		allowed = append(allowed, "name", "kind", "expectGo")
	case reflect.TypeFor[Target]():
		allowed, known = targetKinds()[kind]
		allowed = append(allowed, "name", "kind")
	}
	return !known || slices.Contains(allowed, name)
}

// jsonFields lists the JSON names of a struct type's fields in declaration
// order, with their field indexes.
func jsonFields(t reflect.Type) (names []string, index map[string]int) {
	index = map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		names = append(names, name)
		index[name] = i
	}
	return names, index
}

func (d *decoder) decodeStruct(n *node, path string, v reflect.Value) {
	if n.kind != nodeObject {
		d.typeError(n, path, "an object")
		return
	}
	names, index := jsonFields(v.Type())
	first := map[string]int{}
	for _, f := range n.fields {
		p := fieldPath(path, f.key)
		if d.duplicateKey(first, f, p) {
			continue
		}
		if path == "" && f.key == SchemaField {
			// The editor's schema reference: checked to be a string, else ignored.
			if f.value.kind != nodeString {
				d.typeError(f.value, p, "a string (the URL or path of the JSON Schema, for editors)")
			}
			continue
		}
		i, ok := index[f.key]
		if !ok {
			hint := ""
			for _, name := range names {
				if strings.EqualFold(name, f.key) && kindAllows(v.Type(), n, name) {
					hint = fmt.Sprintf("did you mean %q? field names are case-sensitive; ", name)
				}
			}
			d.errorAt(f.keyOffset, p, fmt.Sprintf("unknown field (%svalid: %s)", hint, strings.Join(names, ", ")))
			continue
		}
		d.keys[p] = f.keyOffset
		d.decode(f.value, p, v.Field(i))
	}
}
