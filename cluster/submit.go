package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// CheckModel decodes a submitted model with model.Decode and validates
// it with model.Validate: the checks `simctl run` makes before running.
func CheckModel(name string, data []byte) (*pb.Model, []string, error) {
	m, src, err := model.Decode(name, data)
	if err != nil {
		return nil, nil, err
	}
	warnings, err := model.Validate(m, src)
	if err != nil {
		return nil, nil, err
	}
	ws := make([]string, len(warnings))
	for i, d := range warnings {
		ws[i] = d.String()
	}
	return m, ws, nil
}

// submit takes a model in the request body and queues it. Everything is
// checked before the job is queued: size, options, then the model.
func (a *api) submit(w http.ResponseWriter, r *http.Request) {
	data, code, err := a.readModel(w, r)
	if err != nil {
		writeError(w, code, err.Error())
		return
	}

	name := submittedName(r)
	opts, err := readOptions(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	m, warnings, err := a.cfg.Check(name, data)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid model "+name,
			splitLines(err.Error())...)
		return
	}
	if err := opts.Check(m); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	a.enqueue(w, &Job{Name: name, Model: m, Data: data, Options: opts},
		warnings)
}

func (a *api) enqueue(w http.ResponseWriter, job *Job, warnings []string) {
	st, err := a.cfg.Jobs.Submit(job, warnings)
	if err != nil {
		writeJobError(w, err)
		return
	}
	w.Header().Set("Location", "/v1/jobs/"+st.ID)
	writeJSON(w, http.StatusAccepted, st)
}

// readModel reads the body, refusing an empty or oversized one; it
// returns the HTTP status to answer with on error.
func (a *api) readModel(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	max := a.cfg.MaxModelBytes
	if r.ContentLength > max {
		return nil, http.StatusRequestEntityTooLarge, tooLarge(r.ContentLength, max)
	}

	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, http.StatusRequestEntityTooLarge, tooLarge(-1, max)
	case err != nil:
		return nil, http.StatusBadRequest, fmt.Errorf("read model: %w", err)
	case len(data) == 0:
		return nil, http.StatusBadRequest,
			errors.New("empty body: send the model (.pb) as the request body")
	}
	return data, 0, nil
}

func tooLarge(size, max int64) error {
	if size < 0 {
		return fmt.Errorf("model larger than the limit of %d bytes "+
			"(simnode --max-model-bytes)", max)
	}
	return fmt.Errorf("model is %d bytes, over the limit of %d "+
		"(simnode --max-model-bytes)", size, max)
}

// submittedName is the model's file name from the query, "model.pb"
// when absent. Its extension picks the format: the body is binary
// protobuf unless the name ends in .yaml, .yml or .json.
func submittedName(r *http.Request) string {
	name := path.Base(r.URL.Query().Get("name"))
	if name == "." || name == "/" {
		return "model.pb"
	}
	return name
}

// readOptions reads the run options from the header, then the query.
func readOptions(r *http.Request) (RunOptions, error) {
	var opts RunOptions
	if h := r.Header.Get(OptionsHeader); h != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(h)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&opts); err != nil {
			return opts, fmt.Errorf("header %s: %w", OptionsHeader, err)
		}
	}
	if err := opts.ParseQuery(r.URL.Query()); err != nil {
		return opts, err
	}
	return opts, nil
}
