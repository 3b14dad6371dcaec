package cli

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/runfixture"
)

// TestDocsUpToDate fails when docs/cli.md and the commands disagree, or
// docs/toolchains.schema.json and `gorepro config schema`, like cmd/go's
// test of its documentation: `make docs` (go test -update) writes them
// again.
func TestDocsUpToDate(t *testing.T) {
	var got bytes.Buffer
	require.NoError(t, WriteReference(&got, NewRootCmd(StdDeps())))
	runfixture.CheckFile(t, "../../docs/cli.md", got.Bytes())

	schema, err := config.Schema()
	require.NoError(t, err)
	runfixture.CheckFile(t, "../../docs/toolchains.schema.json", schema)
}
