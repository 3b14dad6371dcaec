package compare

import (
	"strings"
)

// orDash returns s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine joins the lines of s with single spaces and trims it.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
