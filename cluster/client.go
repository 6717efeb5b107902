package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// APIError is an error answer from a simnode's API.
type APIError struct {
	// Code is the HTTP status code.
	Code    int
	Message string
	Details []string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s (HTTP %d)", e.Message, e.Code)
	if len(e.Details) > 0 {
		msg += ":\n  " + strings.Join(e.Details, "\n  ")
	}
	return msg
}

// Client talks to one simnode's API, as simctl does.
type Client struct {
	// Base is the API's URL, e.g. "http://127.0.0.1:7947".
	Base string
	// Token is sent as a bearer token when set.
	Token string
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
}

// NewClient returns a client for addr, given as HOST:PORT or as a URL.
func NewClient(addr, token string) *Client {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return &Client{Base: strings.TrimRight(addr, "/"), Token: token}
}

// Members lists the live members as the answering member sees them.
func (c *Client) Members(ctx context.Context) (MembersReply, error) {
	var out MembersReply
	err := c.do(ctx, http.MethodGet, "/v1/members", nil, &out)
	return out, err
}

// Status returns the answering member's status.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var out Status
	err := c.do(ctx, http.MethodGet, "/v1/status", nil, &out)
	return out, err
}

// Job returns a job's status.
func (c *Client) Job(ctx context.Context, id string) (JobStatus, error) {
	var out JobStatus
	err := c.do(ctx, http.MethodGet, jobPath(id), nil, &out)
	return out, err
}

// Cancel asks the member to cancel a job.
func (c *Client) Cancel(ctx context.Context, id string) (JobStatus, error) {
	var out JobStatus
	err := c.do(ctx, http.MethodDelete, jobPath(id), nil, &out)
	return out, err
}

// Result fetches the result of a job that is done.
func (c *Client) Result(ctx context.Context, id string) ([]byte, error) {
	var out bytes.Buffer
	err := c.do(ctx, http.MethodGet, jobPath(id)+"/result", nil, &out)
	return out.Bytes(), err
}

// Submit sends a model (its bytes, under its file name) with run
// options, and returns the queued job's status.
func (c *Client) Submit(
	ctx context.Context, name string, data []byte, opts RunOptions,
) (JobStatus, error) {
	q := opts.Query()
	q.Set("name", name)
	var out JobStatus
	err := c.do(ctx, http.MethodPost, "/v1/jobs?"+q.Encode(),
		bytes.NewReader(data), &out)
	return out, err
}

func jobPath(id string) string { return "/v1/jobs/" + url.PathEscape(id) }

// do sends a request and decodes the answer into out: JSON, or the raw
// bytes when out is a *bytes.Buffer.
func (c *Client) do(
	ctx context.Context, method, path string, body io.Reader, out any,
) error {
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, body)
	if err != nil {
		return fmt.Errorf("cluster: %s %s: %w", method, path, err)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}

	resp, err := c.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("cluster: %s %s: %w", method, c.Base+path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return readAPIError(resp)
	}
	return decodeReply(resp.Body, out)
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func decodeReply(r io.Reader, out any) error {
	if buf, ok := out.(*bytes.Buffer); ok {
		_, err := buf.ReadFrom(r)
		return err
	}
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return fmt.Errorf("cluster: decode answer: %w", err)
	}
	return nil
}

// readAPIError turns an error answer into an *APIError, keeping the
// server's message when the body is the API's JSON.
func readAPIError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var er errorReply
	if json.Unmarshal(body, &er) != nil || er.Error == "" {
		er.Error = strings.TrimSpace(string(body))
		if er.Error == "" {
			er.Error = http.StatusText(resp.StatusCode)
		}
	}
	return &APIError{Code: resp.StatusCode, Message: er.Error,
		Details: er.Details}
}
