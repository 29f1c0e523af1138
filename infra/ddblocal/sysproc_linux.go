package ddblocal

import "syscall"

// sysProcAttr puts Java in its own process group, so Stop can signal the
// whole group, and has the kernel kill it if this process dies without
// calling Stop (a test binary hitting -timeout, say), so no orphaned engine
// keeps running. (Strictly, the signal follows the death of the OS thread
// that started Java; the Go runtime does not end its threads except after
// runtime.LockOSThread, which this package never calls.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
