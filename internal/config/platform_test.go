package config

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlatformBuildEnv(t *testing.T) {
	for _, tt := range []struct {
		platform, goarch string
		want             Platform
		env              []string
	}{
		{"linux/arm/v7", "arm", Platform{"linux", "arm", "v7"}, []string{"GOARM=7"}},
		{"linux/arm/v6", "arm", Platform{"linux", "arm", "v6"}, []string{"GOARM=6"}},
		{"linux/arm/v5", "arm", Platform{"linux", "arm", "v5"}, []string{"GOARM=5"}},
		{"linux/arm", "arm", Platform{"linux", "arm", ""}, nil},
		{"linux/arm64/v8", "arm64", Platform{"linux", "arm64", "v8"}, nil},
		{"linux/arm64", "arm64", Platform{"linux", "arm64", ""}, nil},
		{"linux/amd64", "amd64", Platform{"linux", "amd64", ""}, nil},
		// The arch axis built for another architecture than the platform's.
		{"linux/arm/v6", "amd64", Platform{"linux", "arm", "v6"}, nil},
		{"", "amd64", Platform{}, nil},
	} {
		t.Run(tt.platform, func(t *testing.T) {
			p := ParsePlatform(tt.platform)
			assert.Equal(t, tt.want, p)
			assert.Equal(t, tt.env, p.BuildEnv(tt.goarch))
		})
	}
}

func TestPlatformVariantProblem(t *testing.T) {
	for platform, want := range map[string]string{
		"linux/arm/v7":   "",
		"linux/arm":      "",
		"linux/arm64/v8": "",
		"linux/arm/v8":   `arm variant "v8" has no GOARM: use v5, v6 or v7 (or no variant, GOARM=7)`,
		"linux/arm/v4":   `arm variant "v4" has no GOARM: use v5, v6 or v7 (or no variant, GOARM=7)`,
		"linux/arm/v77":  `arm variant "v77" has no GOARM: use v5, v6 or v7 (or no variant, GOARM=7)`,
		"linux/arm/x7":   `arm variant "x7" has no GOARM: use v5, v6 or v7 (or no variant, GOARM=7)`,
	} {
		assert.Equal(t, want, ParsePlatform(platform).variantProblem(), platform)
		// The JSON Schema states the same rule.
		assert.Equal(t, want != "", regexp.MustCompile(armBadVariantPattern).MatchString(platform), platform)
	}
}
