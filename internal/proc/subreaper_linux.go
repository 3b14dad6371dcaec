package proc

import "golang.org/x/sys/unix"

// BecomeSubreaper makes gorepro the child subreaper of its descendants
// (PR_SET_CHILD_SUBREAPER): a process orphaned by a cell's program (a
// daemon that double-forked) becomes gorepro's child instead of init's,
// so that gorepro can reap it after killing it.
func BecomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}
