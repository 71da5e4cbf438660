package protocol

import "testing"

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
