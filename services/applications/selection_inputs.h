// What a selection reads of an application: its SelectionInput. The store
// keeps each application's input beside its record, whatever the round's
// policy (InputOf); the draw takes the part its policy looks at (ForPolicy).
#pragma once

#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

// Weight = the judged priority value; scores included.
v1::SelectionInput InputOf(const v1::Application& application);

// `input` as `policy` draws it: weight 1 unless a weighted lottery, scores
// only in a scored ranking.
v1::SelectionInput ForPolicy(v1::SelectionInput input, const v1::SelectionPolicy& policy);

}  // namespace kexport::applications
