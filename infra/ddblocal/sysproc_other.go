//go:build !linux

package ddblocal

import "syscall"

// sysProcAttr puts Java in its own process group, so Stop can signal the
// whole group. Outside Linux there is no parent-death signal: a process that
// dies without calling Stop leaves the engine running.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
