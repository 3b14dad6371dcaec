package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/config"
)

// NewCmdConfig builds `gorepro config`, the commands about toolchains.json
// itself: `gorepro config schema`.
func NewCmdConfig(deps Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Commands about the config file toolchains.json (its JSON Schema)",
		Args:  unknownCommand,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdConfigSchema(deps))
	return cmd
}

// NewCmdConfigSchema builds `gorepro config schema`.
func NewCmdConfigSchema(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema (draft 2020-12) of toolchains.json",
		Long: `Print the JSON Schema (draft 2020-12) of toolchains.json, generated from the
config types and their documentation: every field with its description, the
kinds and which fields each takes, the enums, patterns, bounds and defaults.
docs/toolchains.schema.json in the repository is this output. Name it in a
config's "$schema" field (gorepro ignores that field) so that editors validate
and complete the file:

  {"$schema": "./docs/toolchains.schema.json", "toolchains": [...], ...}

A few rules only gorepro checks (names unique, duplicate keys, paths that must
exist, module paths, regular expressions and build-arg templates that must
compile, aliveFor shorter than the run timeout): 'gorepro toolchains' or any
run reads the config with all of them.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			schema, err := config.Schema()
			if err != nil {
				return err
			}
			if _, err := deps.Stdout.Write(schema); err != nil {
				return fmt.Errorf("writing the schema: %w", err)
			}
			return nil
		},
	}
}
