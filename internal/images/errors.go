package images

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// OptionError is a bad repository name, Go range or platform: the user's
// input, named with what is valid.
type OptionError struct{ Err error }

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// Why a registry refused or could not be reached.
const (
	NotFound     = "not found"
	Unauthorized = "unauthorized"
	RateLimited  = "rate limited"
	Unreachable  = "unreachable"
	Failed       = "failed"
)

// RegistryError is a repository or tag that could not be read: Kind says
// why (NotFound, Unauthorized, RateLimited, Unreachable, Failed) and Hint
// what to do. Its message is one line.
type RegistryError struct {
	Ref  string
	Kind string
	Hint string
	Err  error
}

func (e *RegistryError) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Ref, e.Kind)
	if detail := oneLine(e.Err); detail != "" {
		msg += " (" + detail + ")"
	}
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

func (e *RegistryError) Unwrap() error { return e.Err }

// classify turns a go-containerregistry error into a RegistryError.
func classify(ref string, err error) error {
	re := &RegistryError{Ref: ref, Kind: Failed, Err: err}
	var terr *transport.Error
	var nerr net.Error
	switch {
	case errors.As(err, &terr):
		re.Err = errors.New(terrDetail(terr))
		switch {
		case terr.StatusCode == http.StatusNotFound || hasCode(terr, transport.NameUnknownErrorCode, transport.ManifestUnknownErrorCode):
			re.Kind, re.Hint = NotFound, "check the repository's name and registry"
		case terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden || hasCode(terr, transport.UnauthorizedErrorCode, transport.DeniedErrorCode):
			re.Kind, re.Hint = Unauthorized, "log in with 'podman login' or 'docker login' (credentials are read from their auth files)"
		case terr.StatusCode == http.StatusTooManyRequests || hasCode(terr, transport.TooManyRequestsErrorCode):
			re.Kind, re.Hint = RateLimited, "wait, or log in to get a higher limit"
		}
	case errors.As(err, &nerr), strings.Contains(err.Error(), "connection refused"), strings.Contains(err.Error(), "no such host"):
		re.Kind, re.Hint = Unreachable, "check the registry's address and your network (--insecure REGISTRY for a plain-HTTP registry)"
	}
	return re
}

func hasCode(terr *transport.Error, codes ...transport.ErrorCode) bool {
	for _, d := range terr.Errors {
		for _, c := range codes {
			if d.Code == c {
				return true
			}
		}
	}
	return false
}

// terrDetail is the registry's answer: status and its first diagnostic.
func terrDetail(terr *transport.Error) string {
	detail := fmt.Sprintf("HTTP %d", terr.StatusCode)
	if len(terr.Errors) > 0 {
		detail += " " + string(terr.Errors[0].Code)
		if terr.Errors[0].Message != "" {
			detail += ": " + terr.Errors[0].Message
		}
	}
	return detail
}

// oneLine is err's message on one line.
func oneLine(err error) string {
	if err == nil {
		return ""
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
