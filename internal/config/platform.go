package config

import (
	"fmt"
	"strings"
)

// Platform is a toolchain's "platform": the os/arch[/variant] its binaries
// run on, as container engines name platforms ("linux/arm64",
// "linux/arm/v7").
type Platform struct {
	OS, Arch, Variant string
}

// armGOARM is the GOARM of a variant of "arm" a build can target: the
// OCI image spec's v5, v6 and v7 are Go's GOARM 5, 6 and 7.
func armGOARM(variant string) (string, bool) {
	switch variant {
	case "v5", "v6", "v7":
		return variant[1:], true
	}
	return "", false
}

// ParsePlatform splits an os/arch[/variant] platform into its parts. The
// parts missing from a shorter string are empty.
func ParsePlatform(s string) Platform {
	parts := strings.SplitN(s, "/", 3)
	var p Platform
	p.OS = parts[0]
	if len(parts) > 1 {
		p.Arch = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p
}

// BuildEnv is what a build for the platform sets besides GOOS and GOARCH
// when it builds for goarch: GOARM=5, 6 or 7 for "linux/arm/v5", "v6" and
// "v7", so that the binary runs on that processor. Nothing for other
// platforms ("linux/arm64/v8" is what arm64 always is), nor when goarch
// is not the platform's architecture (the arch axis built for another).
func (p Platform) BuildEnv(goarch string) []string {
	if p.Arch != "arm" || goarch != "arm" {
		return nil
	}
	if goarm, ok := armGOARM(p.Variant); ok {
		return []string{"GOARM=" + goarm}
	}
	return nil
}

// armBadVariantPattern matches the platforms variantProblem refuses, for
// the JSON Schema: an arm variant other than v5, v6 and v7.
const armBadVariantPattern = `^[a-z0-9]+/arm/(v[567].+|v[^567].*|v|[^v].*)$`

// variantProblem says why the platform's variant cannot be built for, or
// returns "".
func (p Platform) variantProblem() string {
	if p.Arch != "arm" || p.Variant == "" {
		return ""
	}
	if _, ok := armGOARM(p.Variant); ok {
		return ""
	}
	return fmt.Sprintf("arm variant %q has no GOARM: use v5, v6 or v7 (or no variant, GOARM=7)", p.Variant)
}
