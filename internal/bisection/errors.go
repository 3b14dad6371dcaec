package bisection

import "fmt"

// OptionError is an option of a bisection that cannot be used: an unknown
// axis, a candidate that is not listed, a held axis that is the bisected
// one, a malformed --bad-if. The command reports it as a usage error.
type OptionError struct{ Err error }

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// optionError is an OptionError with a formatted message.
func optionError(format string, args ...any) error {
	return &OptionError{Err: fmt.Errorf(format, args...)}
}

// RangeError reports a bisection range that cannot be searched (endpoints
// that do not differ, nothing judged): bad input, like an OptionError.
type RangeError struct{ Err error }

func (e *RangeError) Error() string { return e.Err.Error() }
func (e *RangeError) Unwrap() error { return e.Err }

// UndecidedError reports a bisection that found no trustworthy boundary (a
// flaky target).
type UndecidedError struct{ Conclusion string }

func (e *UndecidedError) Error() string { return "bisect: " + e.Conclusion }

// InfraError is a failure of what gorepro depends on (the module proxy, the
// disk), not of the user's input.
type InfraError struct{ Err error }

func (e *InfraError) Error() string { return e.Err.Error() }
func (e *InfraError) Unwrap() error { return e.Err }
