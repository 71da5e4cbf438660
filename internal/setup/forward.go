package setup

import (
	"fmt"
	"io"
)

// RemoteSocket is where the forward lines put the forwarded socket on the
// remote host: an absolute path (sshd binds a relative one from /) in the
// remote user's home, where no other user can take the name first. %r is
// ssh_config's token for the remote user name.
const RemoteSocket = "/home/%r/.camunda-credential-helper.sock"

// Forward writes the lines that forward the agent's forward socket (local,
// an absolute path) to host over ssh, and into a dev container. envVar is
// the variable that points the helper at a forwarded socket.
func Forward(w io.Writer, local, host, envVar string) error {
	if host == "" {
		host = "HOST"
	}
	_, err := fmt.Fprintf(w, `# ssh: forward the agent's forward socket for one session
ssh -R /home/REMOTE_USER/.camunda-credential-helper.sock:%[1]s %[2]s
# or for every session, in ~/.ssh/config on this machine:
Host %[2]s
    RemoteForward %[3]s %[1]s
# in sshd_config on %[2]s (so that a new session replaces a stale socket):
#   StreamLocalBindUnlink yes
# in the shell profile on %[2]s (~/.profile):
export %[4]s="$HOME/.camunda-credential-helper.sock"
# dev container: bind it and name it
docker run -v "%[1]s:/run/camunda-credential-helper.sock" -e %[4]s=/run/camunda-credential-helper.sock IMAGE
`, local, host, RemoteSocket, envVar)
	return err
}
