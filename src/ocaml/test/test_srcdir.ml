(* SPDX-License-Identifier: LGPL-2.1-or-later *)
(* The repository's root, for tests/cases and the topology files:
   NODEAFF_SRCDIR (meson sets it), else found by walking up from the
   working directory (dune runs tests inside _build). *)
let srcdir =
  match Sys.getenv_opt "NODEAFF_SRCDIR" with
  | Some d when d <> "" -> d
  | _ ->
      let rec up d =
        if Sys.file_exists (Filename.concat d "tests/cases/grammar.tsv") then d
        else
          let p = Filename.dirname d in
          if p = d then failwith "tests/cases not found: set NODEAFF_SRCDIR" else up p
      in
      up (Sys.getcwd ())
