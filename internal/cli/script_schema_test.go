package cli_test

import (
	"bytes"
	"os"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// cmdSchemaValid is the script command `schemavalid SCHEMA CONFIG`: it
// validates CONFIG against the JSON Schema in the file SCHEMA with a real
// validator, as an editor does, and prints the validator's errors on
// stdout when it fails (`! schemavalid` expects that).
func cmdSchemaValid(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: schemavalid SCHEMA CONFIG")
	}
	read := func(name string) any {
		data, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		ts.Check(err)
		return doc
	}
	c := jsonschema.NewCompiler()
	ts.Check(c.AddResource("file:///schema.json", read(args[0])))
	sch, err := c.Compile("file:///schema.json")
	ts.Check(err)
	err = sch.Validate(read(args[1]))
	switch {
	case err != nil && neg:
		_, werr := ts.Stdout().Write([]byte(err.Error() + "\n"))
		ts.Check(werr)
	case err != nil:
		ts.Fatalf("%s does not match the schema: %v", args[1], err)
	case neg:
		ts.Fatalf("%s matches the schema", args[1])
	}
}
