(* SPDX-License-Identifier: LGPL-2.1-or-later *)
(* The OCaml bindings against the shared case table (tests/cases of the
   repository; format in its README.md), which the C, Python and Rust
   suites read too: grammar rows, placement on topology files, and the
   errno each binding raises. *)

let srcdir = Test_srcdir.srcdir

(* Rows of tests/cases/NAME as (line number, fields); checks the header. *)
let read_table name header =
  let path = Filename.concat srcdir (Filename.concat "tests/cases" name) in
  let ic = open_in_bin path in
  let rec loop lineno seen acc =
    match input_line ic with
    | exception End_of_file -> List.rev acc
    | line ->
        if String.contains line '\r' then Alcotest.failf "%s:%d: a CR" path lineno;
        if line = "" || line.[0] = '#' then loop (lineno + 1) seen acc
        else
          let fields = String.split_on_char '\t' line in
          if not seen then (
            if fields <> header then
              Alcotest.failf "%s:%d: header is not %s" path lineno (String.concat "|" header);
            loop (lineno + 1) true acc)
          else (
            if List.length fields <> List.length header then
              Alcotest.failf "%s:%d: %d fields" path lineno (List.length fields);
            loop (lineno + 1) seen ((lineno, Array.of_list fields) :: acc))
  in
  let rows = Fun.protect ~finally:(fun () -> close_in ic) (fun () -> loop 1 false []) in
  if rows = [] then Alcotest.failf "%s: no rows" path;
  (path, rows)

let unescape s =
  let b = Buffer.create (String.length s) in
  let rec go i =
    if i < String.length s then
      if s.[i] <> '\\' then (Buffer.add_char b s.[i]; go (i + 1))
      else if i + 1 >= String.length s then failwith ("trailing backslash in " ^ s)
      else (
        (match s.[i + 1] with
        | '\\' -> Buffer.add_char b '\\'
        | 't' -> Buffer.add_char b '\t'
        | 'n' -> Buffer.add_char b '\n'
        | c -> failwith (Printf.sprintf "unknown escape \\%c in %S" c s));
        go (i + 2))
  in
  go 0;
  Buffer.contents b

let errnos = read_table "errno.tsv" [ "name"; "number"; "python"; "ocaml"; "rust" ]
let reasons = read_table "parse-reasons.tsv" [ "name"; "value" ]

let number_of_errno name =
  match List.find_opt (fun (_, f) -> f.(0) = name) (snd errnos) with
  | Some (_, f) -> int_of_string f.(1)
  | None -> Alcotest.failf "errno %s is not in errno.tsv" name

let reason_value name =
  match List.find_opt (fun (_, f) -> f.(0) = name) (snd reasons) with
  | Some (_, f) -> int_of_string f.(1)
  | None -> Alcotest.failf "reason %s is not in parse-reasons.tsv" name

(* The constructor's name, as the table's ocaml column writes it. *)
let constructor : Nodeaff.errno -> string = function
  | EINVAL -> "EINVAL"
  | ERANGE -> "ERANGE"
  | EOVERFLOW -> "EOVERFLOW"
  | ENOENT -> "ENOENT"
  | EACCES -> "EACCES"
  | EPERM -> "EPERM"
  | ESRCH -> "ESRCH"
  | EOPNOTSUPP -> "EOPNOTSUPP"
  | ENOSPC -> "ENOSPC"
  | ENOMEM -> "ENOMEM"
  | ENOBUFS -> "ENOBUFS"
  | ENODEV -> "ENODEV"
  | EPROTONOSUPPORT -> "EPROTONOSUPPORT"
  | EPROTO -> "EPROTO"
  | EBUSY -> "EBUSY"
  | Other _ -> "Other"

let test_errnos () =
  let path, rows = errnos in
  List.iter
    (fun (line, f) ->
      let name = f.(0) and n = int_of_string f.(1) and want = f.(3) in
      let e = Nodeaff.errno_of_int n in
      if constructor e <> want then
        Alcotest.failf "%s:%d: errno %d is %s, want %s" path line n (constructor e) want;
      Alcotest.(check string) (Printf.sprintf "%s:%d: name" path line) name (Nodeaff.errno_name e);
      Alcotest.(check int) (Printf.sprintf "%s:%d: number" path line) n (Nodeaff.errno_to_int e);
      (match e with
      | Other m -> Alcotest.(check int) "Other carries the number" n m
      | _ -> ()))
    rows;
  Printf.printf "# %d errno rows\n" (List.length rows)

let test_grammar () =
  let path, rows = read_table "grammar.tsv" [ "input"; "nodes"; "expect"; "reason"; "column" ] in
  let parsed = ref 0 in
  List.iter
    (fun (line, f) ->
      let text = unescape f.(0) and size = int_of_string f.(1) and expect = f.(2) in
      let where = Printf.sprintf "%s:%d: %S" path line text in
      if expect.[0] = 'E' then
        match Nodeaff.Nodemap.parse ~size text with
        | m -> Alcotest.failf "%s: parsed to %s, want %s" where (Nodeaff.Nodemap.to_string m) expect
        | exception Nodeaff.Error { errno; func; parse = Some { reason; column }; _ } ->
            Alcotest.(check (triple int int int))
              where
              (number_of_errno expect, reason_value f.(3), int_of_string f.(4))
              (Nodeaff.errno_to_int errno, reason, column);
            Alcotest.(check string) "func" "nodeaff_nodemap_parse" func
        | exception Nodeaff.Error _ -> Alcotest.failf "%s: Error without parse" where
      else (
        Alcotest.(check (pair string string)) (where ^ ": no reason") ("-", "-") (f.(3), f.(4));
        let m = Nodeaff.Nodemap.parse ~size text in
        Alcotest.(check string) where expect (Nodeaff.Nodemap.to_string m);
        Alcotest.(check int) (where ^ ": size") size (Nodeaff.Nodemap.size m);
        (* The canonical list parses back to the same set. *)
        Alcotest.(check bool) (where ^ ": round trip") true
          (Nodeaff.Nodemap.equal m (Nodeaff.Nodemap.parse ~size expect));
        incr parsed))
    rows;
  Printf.printf "# %d grammar rows (%d parse, %d fail)\n" (List.length rows) !parsed
    (List.length rows - !parsed)

let test_placement () =
  let path, rows =
    read_table "placement.tsv" [ "topology"; "memory"; "vcpus"; "flags"; "expect"; "why" ]
  in
  List.iter
    (fun (line, f) ->
      let where = Printf.sprintf "%s:%d (%s)" path line f.(5) in
      let strict =
        match f.(3) with
        | "strict" -> true
        | "preferred" -> false
        | s -> Alcotest.failf "%s: flags %s" where s
      in
      let topo = Nodeaff.Topology.of_file (Filename.concat srcdir f.(0)) in
      let place () =
        Nodeaff.Placement.place ~strict topo ~memory:(int_of_string f.(1))
          ~vcpus:(int_of_string f.(2))
      in
      let expect = f.(4) in
      if expect.[0] = 'E' then
        match place () with
        | p -> Alcotest.failf "%s: placed on %s" where (Nodeaff.Nodemap.to_string p.nodes)
        | exception Nodeaff.Error { errno; _ } ->
            Alcotest.(check int) where (number_of_errno expect) (Nodeaff.errno_to_int errno)
      else
        let p = place () in
        Alcotest.(check string) where expect (Nodeaff.Nodemap.to_string p.nodes);
        match p.candidates with
        | c :: _ -> Alcotest.(check bool) (where ^ ": winner first") true (c.nodes = p.nodes)
        | [] -> Alcotest.failf "%s: no candidates" where)
    rows;
  Printf.printf "# %d placement rows\n" (List.length rows)

let () =
  Alcotest.run "nodeaff-cases"
    [
      ( "tests/cases",
        [
          Alcotest.test_case "errno.tsv" `Quick test_errnos;
          Alcotest.test_case "grammar.tsv" `Quick test_grammar;
          Alcotest.test_case "placement.tsv" `Quick test_placement;
        ] );
    ]
