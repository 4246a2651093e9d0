//go:build unix

package delivery

import (
	"errors"
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
