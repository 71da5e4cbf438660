package protocol

import (
	"context"
	"strings"
	"testing"
)

func TestGitGolden(t *testing.T) {
	runGolden(t, "git", true, func(ctx context.Context, f *fakeCore, x *exchange, s Stdio) int {
		return Git(ctx, f, x.action(), s)
	})
}

func TestParseGitRequest(t *testing.T) {
	tests := []struct {
		in   string
		want gitRequest
	}{
		{"", gitRequest{}},
		{"protocol=https\nhost=h\n", gitRequest{protocol: "https", host: "h"}},
		{"protocol=https\r\nhost=h\r\npath=o/r.git\r\n", gitRequest{protocol: "https", host: "h", path: "o/r.git"}},
		{"protocol=https\nhost=h", gitRequest{protocol: "https", host: "h"}},
		{"protocol=https\n\nhost=h\n", gitRequest{protocol: "https"}},
		{"protocol=https\nbogus\nhost=h\n", gitRequest{protocol: "https"}},
		{"host=a\nhost=b\n", gitRequest{host: "b"}},
		{"host=h=x\n", gitRequest{host: "h=x"}},
		{"capability[]=state\ncapability[]=authtype\n", gitRequest{authtype: true}},
		{"capability[]=authtypes\n", gitRequest{}},
		{"wwwauth[]=Bearer realm=\"x\"\nstate[]=a=b\nurl=https://other\nprotocol=https\n", gitRequest{protocol: "https"}},
	}
	for _, tt := range tests {
		if got := parseGitRequest([]byte(tt.in)); got != tt.want {
			t.Errorf("parseGitRequest(%q) = %+v; want %+v", tt.in, got, tt.want)
		}
	}
}

func TestGitResource(t *testing.T) {
	tests := []struct {
		req     gitRequest
		want    string
		wantErr bool
	}{
		{req: gitRequest{protocol: "https", host: "h:8443"}, want: "https://h:8443"},
		{req: gitRequest{protocol: "https", host: "h", path: "o/r.git"}, want: "https://h/o/r.git"},
		{req: gitRequest{protocol: "https", host: "h", path: "/o r"}, want: "https://h/o r"},
		{req: gitRequest{protocol: "git+ssh", host: "h"}, want: "git+ssh://h"},
		{req: gitRequest{protocol: "https://evil.example.org/", host: "h"}, wantErr: true},
		{req: gitRequest{protocol: "1http", host: "h"}, wantErr: true},
		{req: gitRequest{protocol: "https", host: "evil.example.org/x"}, wantErr: true},
		{req: gitRequest{protocol: "https", host: "evil.example.org@h"}, wantErr: true},
		{req: gitRequest{protocol: "https", host: `evil.example.org\h`}, wantErr: true},
		{req: gitRequest{protocol: "https", host: "h h"}, wantErr: true},
		{req: gitRequest{protocol: "https", host: "h", path: "a\x00b"}, wantErr: true},
	}
	for _, tt := range tests {
		got, err := tt.req.resource()
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%+v.resource() = %q, %v; want %q (error %v)", tt.req, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzGitRequest(f *testing.F) {
	for _, s := range []string{
		"protocol=https\nhost=git.example.com\n",
		"capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=git.example.com\nwwwauth[]=Bearer realm=\"x\"\n",
		"protocol=https\r\nhost=git.example.com\r\n",
		"protocol=https\nhost=other.example.com\npath=a/b\n",
		"protocol=https\nbroken\nhost=git.example.com\n",
		"protocol=https\nhost=badtoken.example.com\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, action := range []string{"get", "erase", "store", "capability"} {
			c := newFake()
			var out, errb strings.Builder
			code := Git(context.Background(), c, action, Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
			assertNoLeak(t, "Git", in, code, out.String(), errb.String())
			if action != "get" && out.Len() > 0 {
				t.Fatalf("Git(%q, %q) stdout = %q; want empty", action, in, out.String())
			}
			if !strings.Contains(out.String(), "tok-") {
				continue
			}
			// A token was printed: the request must name a served host.
			req := parseGitRequest([]byte(in))
			res, err := req.resource()
			if err != nil || code != 0 || !served(res) {
				t.Fatalf("Git(get, %q) printed a token for %+v (resource %q, %v)", in, req, res, err)
			}
		}
	})
}
