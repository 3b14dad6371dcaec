// Package docstest checks that the examples of gorepro's documentation work
// as written. Its test reads every fenced block of README.md,
// results/README.md and docs/*.md: every fence must name its language
// (json, sh, console, yaml or text), so that nothing is skipped silently;
// each json block must be a toolchains.json that package config accepts,
// and its JSON Schema too (gorepro config schema, checked with a real
// validator), with the modules it names made next to it (a fragment that is not a
// config says so with an HTML comment "<!-- not a config -->" on the line
// before its fence); each command of an sh, console or yaml block that is
// gorepro's must parse against the real command tree (the subcommand
// exists, its flags exist and their values are valid, configured names
// are configured somewhere in the docs), a make target must exist, a
// script must exist and take the options given; and the gorepro commands
// that can run here without a network or a container engine (diagnose,
// report, diff, version) do run, on fixture logs and recorded runs.
//
// The package holds no code besides its test.
package docstest
