//go:build !linux

package proc

// BecomeSubreaper does nothing where there is no PR_SET_CHILD_SUBREAPER;
// marked processes are still killed (KillMarked), where /proc lists them.
func BecomeSubreaper() error { return nil }
