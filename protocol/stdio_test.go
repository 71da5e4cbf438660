package protocol

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

func TestOversizeInput(t *testing.T) {
	big := "protocol=https\nhost=git.example.com\n" + strings.Repeat("x", MaxInput)
	tests := []struct {
		name     string
		run      func(s Stdio) int
		wantCode int
		wantOut  string // prefix of stdout
	}{
		{"git", func(s Stdio) int {
			return Git(context.Background(), static{credential.Token{AccessToken: "tok", Expiry: expiry, RefreshAt: expiry}}, "get", s)
		}, 1, ""},
		{"docker", func(s Stdio) int {
			return Docker(context.Background(), static{credential.Token{AccessToken: "tok", Expiry: expiry, RefreshAt: expiry}}, "get", s)
		}, 1, progName + ": input larger than"},
		{"bazel", func(s Stdio) int {
			return Bazel(context.Background(), static{credential.Token{AccessToken: "tok", Expiry: expiry, RefreshAt: expiry}}, "get", s)
		}, 2, ""},
		{"get", func(s Stdio) int {
			return Get(context.Background(), static{credential.Token{AccessToken: "tok", Expiry: expiry, RefreshAt: expiry}}, s)
		}, 2, `{"error":"bad_request"`},
	}
	for _, tt := range tests {
		var out, errb strings.Builder
		code := tt.run(Stdio{In: strings.NewReader(big), Out: &out, Err: &errb})
		if code != tt.wantCode || !strings.HasPrefix(out.String(), tt.wantOut) || tt.wantOut == "" && out.Len() != 0 {
			t.Errorf("%s(%d bytes) = %d, stdout %q; want %d, stdout starting %q", tt.name, len(big), code, out.String(), tt.wantCode, tt.wantOut)
		}
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"simple", "simple"},
		{"msg\nhint", "msg; hint"},
		{"msg\r\n\r\nhint\n", "msg; hint"},
		{"a\x1b[31mred\x00", "a[31mred"},
		{"tab\tkept", "tab\tkept"},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// errTooLarge is a constant (built without fmt at start-up); it must say
// MaxInput.
func TestErrTooLargeSaysMaxInput(t *testing.T) {
	if want := fmt.Sprintf("input larger than %d bytes", MaxInput); errTooLarge.Error() != want {
		t.Errorf("errTooLarge = %q; want %q", errTooLarge, want)
	}
}
