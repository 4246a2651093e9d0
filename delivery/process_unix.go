//go:build unix

package delivery

import (
	"errors"
	"os"
	"syscall"
)

// processAlive tells whether a process with pid exists on this host.
// Signal 0 checks without sending anything; EPERM means it exists under
// another user.
func processAlive(pid int) bool {
	if pid <= 0 {
		return true // 0 and negatives name process groups: never judge them
	}
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// thisHost names where pids mean the same thing: the hostname and, on
// Linux, the PID namespace. Containers that share a hostname (host
// networking) but not their pids must not judge each other's pids.
func thisHost() string {
	h, _ := os.Hostname()
	if ns, err := os.Readlink("/proc/self/ns/pid"); err == nil {
		h += " " + ns
	}
	return h
}
