/*
 * The SCORM run-time API for the one SCO in this page's frame.
 *
 * SCORM 1.2 content looks for `window.API`, SCORM 2004 content for `window.API_1484_11`,
 * in its parent windows; both are defined here, before the frame loads. The CMI data
 * model lives in memory, checked as the standards say (read-only and write-only
 * elements, vocabularies, number ranges, array order, the error codes of each version).
 *
 * At Initialize, Commit and Finish/Terminate the whole data model is posted to Leerpad
 * (config.reportUrl, with the CSRF token); Leerpad records xAPI statements from it and
 * keeps what the next launch needs. Reports are sent one after the other, so Finish
 * never overtakes a Commit. Leaving the page without Finish finishes for the SCO.
 *
 * Configuration: the JSON in <script id="scorm-config"> (version, reportUrl, csrfToken,
 * initial data model values, messages in the learner's language).
 */
(function () {
  "use strict";

  var node = document.getElementById("scorm-config");
  if (!node) {
    return;
  }
  var config = JSON.parse(node.textContent);
  var is2004 = config.version === "2004";
  var messages = config.messages || {};
  var statusNode = document.getElementById("scorm-status");

  var values = {};
  Object.keys(config.initial || {}).forEach(function (name) {
    values[name] = String(config.initial[name]);
  });

  var phase = "new"; // "new" -> "running" -> "done"
  var lastError = 0;
  var lastDiagnostic = "";
  var queue = Promise.resolve();

  // --- value checks -------------------------------------------------------------------

  var NUMBER = /^-?(\d+(\.\d*)?|\.\d+)$/;

  function isNumber(value) {
    return NUMBER.test(value);
  }
  function maxLength(n) {
    return function (value) {
      return value.length <= n;
    };
  }
  function oneOf(list) {
    return function (value) {
      return list.indexOf(value) !== -1;
    };
  }
  function matches(pattern) {
    return function (value) {
      return pattern.test(value);
    };
  }
  function any() {
    return true;
  }
  // Numbers with a range: a non-number is a type mismatch, out of range is 407 (2004).
  function numberIn(min, max) {
    return function (value) {
      if (!isNumber(value)) {
        return false;
      }
      var n = parseFloat(value);
      return (min === null || n >= min) && (max === null || n <= max) ? true : "range";
    };
  }
  function blankOr(check) {
    return function (value) {
      return value === "" || check(value);
    };
  }
  function numberOrWord(words) {
    return function (value) {
      return words.indexOf(value) !== -1 || isNumber(value);
    };
  }

  var TIME_12 = /^\d{2}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var TIMESPAN_12 = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/;
  var TIMESTAMP = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,2})?)?)?(Z|[+-]\d{2}(:\d{2})?)?)?)?)?$/;

  // --- the data models ----------------------------------------------------------------
  // [pattern, access ("r", "w", "rw"), check]; "n" in a pattern is an array index.

  var MODEL_12 = [
    ["cmi.core.student_id", "r"],
    ["cmi.core.student_name", "r"],
    ["cmi.core.lesson_location", "rw", maxLength(255)],
    ["cmi.core.credit", "r"],
    ["cmi.core.lesson_status", "rw", oneOf(["passed", "completed", "failed", "incomplete", "browsed"])],
    ["cmi.core.entry", "r"],
    ["cmi.core.score.raw", "rw", blankOr(numberIn(0, 100))],
    ["cmi.core.score.min", "rw", blankOr(numberIn(0, 100))],
    ["cmi.core.score.max", "rw", blankOr(numberIn(0, 100))],
    ["cmi.core.total_time", "r"],
    ["cmi.core.lesson_mode", "r"],
    ["cmi.core.exit", "w", oneOf(["time-out", "suspend", "logout", ""])],
    ["cmi.core.session_time", "w", matches(TIMESPAN_12)],
    ["cmi.suspend_data", "rw", maxLength(4096)],
    ["cmi.launch_data", "r"],
    ["cmi.comments", "rw", maxLength(4096)],
    ["cmi.comments_from_lms", "r"],
    ["cmi.objectives.n.id", "rw", maxLength(255)],
    ["cmi.objectives.n.score.raw", "rw", blankOr(numberIn(0, 100))],
    ["cmi.objectives.n.score.min", "rw", blankOr(numberIn(0, 100))],
    ["cmi.objectives.n.score.max", "rw", blankOr(numberIn(0, 100))],
    ["cmi.objectives.n.status", "rw", oneOf(["passed", "completed", "failed", "incomplete", "browsed", "not attempted"])],
    ["cmi.student_data.mastery_score", "r"],
    ["cmi.student_data.max_time_allowed", "r"],
    ["cmi.student_data.time_limit_action", "r"],
    ["cmi.student_preference.audio", "rw", numberIn(-1, 100)],
    ["cmi.student_preference.language", "rw", maxLength(255)],
    ["cmi.student_preference.speed", "rw", numberIn(-100, 100)],
    ["cmi.student_preference.text", "rw", numberIn(-1, 1)],
    ["cmi.interactions.n.id", "w", maxLength(255)],
    ["cmi.interactions.n.objectives.n.id", "w", maxLength(255)],
    ["cmi.interactions.n.time", "w", matches(TIME_12)],
    ["cmi.interactions.n.type", "w", oneOf(["true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric"])],
    ["cmi.interactions.n.correct_responses.n.pattern", "w", maxLength(255)],
    ["cmi.interactions.n.weighting", "w", isNumber],
    ["cmi.interactions.n.student_response", "w", maxLength(255)],
    ["cmi.interactions.n.result", "w", numberOrWord(["correct", "wrong", "unanticipated", "neutral"])],
    ["cmi.interactions.n.latency", "w", matches(TIMESPAN_12)]
  ];
  var CHILDREN_12 = {
    "cmi.core": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    "cmi.core.score": "raw,min,max",
    "cmi.objectives": "id,score,status",
    "cmi.objectives.n.score": "raw,min,max",
    "cmi.student_data": "mastery_score,max_time_allowed,time_limit_action",
    "cmi.student_preference": "audio,language,speed,text",
    "cmi.interactions": "id,objectives,time,type,correct_responses,weighting,student_response,result,latency"
  };

  var COMPLETION = ["completed", "incomplete", "not attempted", "unknown"];
  var SUCCESS = ["passed", "failed", "unknown"];
  var MODEL_2004 = [
    ["cmi._version", "r"],
    ["cmi.comments_from_learner.n.comment", "rw", maxLength(4000)],
    ["cmi.comments_from_learner.n.location", "rw", maxLength(250)],
    ["cmi.comments_from_learner.n.timestamp", "rw", matches(TIMESTAMP)],
    ["cmi.comments_from_lms.n.comment", "r"],
    ["cmi.comments_from_lms.n.location", "r"],
    ["cmi.comments_from_lms.n.timestamp", "r"],
    ["cmi.completion_status", "rw", oneOf(COMPLETION)],
    ["cmi.completion_threshold", "r"],
    ["cmi.credit", "r"],
    ["cmi.entry", "r"],
    ["cmi.exit", "w", oneOf(["time-out", "suspend", "logout", "normal", ""])],
    ["cmi.interactions.n.id", "rw", maxLength(4000)],
    ["cmi.interactions.n.type", "rw", oneOf(["true-false", "choice", "fill-in", "long-fill-in", "likert", "matching", "performance", "sequencing", "numeric", "other"])],
    ["cmi.interactions.n.objectives.n.id", "rw", maxLength(4000)],
    ["cmi.interactions.n.timestamp", "rw", matches(TIMESTAMP)],
    ["cmi.interactions.n.correct_responses.n.pattern", "rw", maxLength(4000)],
    ["cmi.interactions.n.weighting", "rw", isNumber],
    ["cmi.interactions.n.learner_response", "rw", maxLength(4000)],
    ["cmi.interactions.n.result", "rw", numberOrWord(["correct", "incorrect", "unanticipated", "neutral"])],
    ["cmi.interactions.n.latency", "rw", matches(DURATION)],
    ["cmi.interactions.n.description", "rw", maxLength(250)],
    ["cmi.launch_data", "r"],
    ["cmi.learner_id", "r"],
    ["cmi.learner_name", "r"],
    ["cmi.learner_preference.audio_level", "rw", numberIn(0, null)],
    ["cmi.learner_preference.language", "rw", maxLength(250)],
    ["cmi.learner_preference.delivery_speed", "rw", numberIn(0, null)],
    ["cmi.learner_preference.audio_captioning", "rw", oneOf(["-1", "0", "1"])],
    ["cmi.location", "rw", maxLength(1000)],
    ["cmi.max_time_allowed", "r"],
    ["cmi.mode", "r"],
    ["cmi.objectives.n.id", "rw", maxLength(4000)],
    ["cmi.objectives.n.score.scaled", "rw", numberIn(-1, 1)],
    ["cmi.objectives.n.score.raw", "rw", isNumber],
    ["cmi.objectives.n.score.min", "rw", isNumber],
    ["cmi.objectives.n.score.max", "rw", isNumber],
    ["cmi.objectives.n.success_status", "rw", oneOf(SUCCESS)],
    ["cmi.objectives.n.completion_status", "rw", oneOf(COMPLETION)],
    ["cmi.objectives.n.progress_measure", "rw", numberIn(0, 1)],
    ["cmi.objectives.n.description", "rw", maxLength(250)],
    ["cmi.progress_measure", "rw", numberIn(0, 1)],
    ["cmi.scaled_passing_score", "r"],
    ["cmi.score.scaled", "rw", numberIn(-1, 1)],
    ["cmi.score.raw", "rw", isNumber],
    ["cmi.score.min", "rw", isNumber],
    ["cmi.score.max", "rw", isNumber],
    ["cmi.session_time", "w", matches(DURATION)],
    ["cmi.success_status", "rw", oneOf(SUCCESS)],
    ["cmi.suspend_data", "rw", maxLength(64000)],
    ["cmi.time_limit_action", "r"],
    ["cmi.total_time", "r"],
    ["adl.nav.request", "rw", matches(/^(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_|\{target=[^}]+\}(choice|jump))$/)]
  ];
  var CHILDREN_2004 = {
    "cmi.comments_from_learner": "comment,location,timestamp",
    "cmi.comments_from_lms": "comment,location,timestamp",
    "cmi.interactions": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description",
    "cmi.learner_preference": "audio_level,language,delivery_speed,audio_captioning",
    "cmi.objectives": "id,score,success_status,completion_status,progress_measure,description",
    "cmi.objectives.n.score": "scaled,raw,min,max",
    "cmi.score": "scaled,raw,min,max"
  };
  // Arrays: what "_count" counts.
  var ARRAYS = [
    "cmi.objectives",
    "cmi.interactions",
    "cmi.interactions.n.objectives",
    "cmi.interactions.n.correct_responses",
    "cmi.comments_from_learner",
    "cmi.comments_from_lms"
  ];

  var MODEL = is2004 ? MODEL_2004 : MODEL_12;
  var CHILDREN = is2004 ? CHILDREN_2004 : CHILDREN_12;
  var CODES = is2004
    ? {
        ok: 0, general: 101, alreadyInitialized: 103, terminated: 104,
        terminateBeforeInit: 112, terminateAfterTerminate: 113,
        getBeforeInit: 122, getAfterTerminate: 123, setBeforeInit: 132, setAfterTerminate: 133,
        commitBeforeInit: 142, commitAfterTerminate: 143, argument: 201, getFailure: 301,
        setFailure: 351, undefined: 401, notInitialized: 403, readOnly: 404, writeOnly: 405,
        typeMismatch: 406, outOfRange: 407, dependency: 408, noChildren: 301, notArray: 301
      }
    : {
        ok: 0, general: 101, alreadyInitialized: 101, terminated: 101,
        terminateBeforeInit: 301, terminateAfterTerminate: 101,
        getBeforeInit: 301, getAfterTerminate: 101, setBeforeInit: 301, setAfterTerminate: 101,
        commitBeforeInit: 301, commitAfterTerminate: 101, argument: 201, getFailure: 201,
        setFailure: 201, undefined: 201, notInitialized: 0, readOnly: 403, writeOnly: 404,
        typeMismatch: 405, outOfRange: 405, dependency: 201, noChildren: 202, notArray: 203
      };
  var ERROR_TEXT = {
    0: "No error", 101: "General exception", 103: "Already initialized",
    104: "Content instance terminated", 112: "Termination before initialization",
    113: "Termination after termination", 122: "Retrieve data before initialization",
    123: "Retrieve data after termination", 132: "Store data before initialization",
    133: "Store data after termination", 142: "Commit before initialization",
    143: "Commit after termination", 201: is2004 ? "General argument error" : "Invalid argument error",
    202: "Element cannot have children", 203: "Element not an array - cannot have count",
    301: is2004 ? "General get failure" : "Not initialized", 351: "General set failure",
    401: is2004 ? "Undefined data model element" : "Not implemented error",
    403: is2004 ? "Data model element value not initialized" : "Element is read only",
    404: is2004 ? "Data model element is read only" : "Element is write only",
    405: is2004 ? "Data model element is write only" : "Incorrect data type",
    406: "Data model element type mismatch", 407: "Data model element value out of range",
    408: "Data model dependency not established"
  };

  // "cmi.objectives.3.score.raw" -> "cmi.objectives.n.score.raw"
  function pattern(name) {
    return name.replace(/\.\d+(?=\.|$)/g, ".n");
  }
  function rule(name) {
    var p = pattern(name);
    for (var i = 0; i < MODEL.length; i++) {
      if (MODEL[i][0] === p) {
        return MODEL[i];
      }
    }
    return null;
  }
  function count(prefix) {
    var seen = {};
    var start = prefix + ".";
    Object.keys(values).forEach(function (name) {
      if (name.indexOf(start) === 0) {
        var index = name.slice(start.length).split(".")[0];
        if (/^\d+$/.test(index)) {
          seen[index] = true;
        }
      }
    });
    return Object.keys(seen).length;
  }
  function fail(code, diagnostic) {
    lastError = code;
    lastDiagnostic = diagnostic || "";
    return code === 0;
  }

  // --- reporting ----------------------------------------------------------------------

  function say(text) {
    if (statusNode) {
      statusNode.textContent = text || "";
    }
  }

  function report(event, leaving) {
    var body = JSON.stringify({ event: event, cmi: values });
    queue = queue.then(function () {
      return window
        .fetch(config.reportUrl, {
          method: "POST",
          credentials: "same-origin",
          // Lets the last report finish after the page is gone (browsers cap it at 64 KB).
          keepalive: Boolean(leaving) && body.length < 60000,
          headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrfToken },
          body: body
        })
        .then(function (response) {
          // A redirect means the session ended (the login page answered): not saved.
          if (!response.ok || response.redirected) {
            throw new Error("HTTP " + response.status);
          }
          say(event === "finish" ? messages.finished : "");
        })
        .catch(function () {
          say(messages.saveFailed);
        });
    });
    return queue;
  }

  // --- the API, shared by both versions -----------------------------------------------

  function initialize(arg) {
    if (arg !== "") {
      fail(CODES.argument);
      return "false";
    }
    if (phase === "running") {
      fail(CODES.alreadyInitialized);
      return "false";
    }
    if (phase === "done") {
      fail(CODES.terminated);
      return "false";
    }
    phase = "running";
    fail(0);
    report("initialize");
    return "true";
  }

  function terminate(arg) {
    if (arg !== "") {
      fail(CODES.argument);
      return "false";
    }
    if (phase === "new") {
      fail(CODES.terminateBeforeInit);
      return "false";
    }
    if (phase === "done") {
      fail(CODES.terminateAfterTerminate);
      return "false";
    }
    phase = "done";
    fail(0);
    report("finish");
    return "true";
  }

  function commit(arg) {
    if (arg !== "") {
      fail(CODES.argument);
      return "false";
    }
    if (phase === "new") {
      fail(CODES.commitBeforeInit);
      return "false";
    }
    if (phase === "done") {
      fail(CODES.commitAfterTerminate);
      return "false";
    }
    fail(0);
    report("commit");
    return "true";
  }

  function getValue(name) {
    name = String(name);
    if (phase === "new") {
      fail(CODES.getBeforeInit);
      return "";
    }
    if (phase === "done") {
      fail(CODES.getAfterTerminate);
      return "";
    }
    if (name === "") {
      fail(is2004 ? CODES.getFailure : CODES.argument);
      return "";
    }
    var last = name.slice(name.lastIndexOf(".") + 1);
    var parent = pattern(name.slice(0, name.lastIndexOf(".")));
    if (last === "_children") {
      if (CHILDREN[parent]) {
        fail(0);
        return CHILDREN[parent];
      }
      fail(rule(name.slice(0, -10)) ? CODES.noChildren : CODES.undefined);
      return "";
    }
    if (last === "_count") {
      if (ARRAYS.indexOf(parent) !== -1) {
        fail(0);
        return String(count(name.slice(0, -7)));
      }
      fail(rule(name.slice(0, -7)) || CHILDREN[parent] ? CODES.notArray : CODES.undefined);
      return "";
    }
    if (is2004 && name === "cmi._version") {
      fail(0);
      return "1.0";
    }
    if (is2004 && name.indexOf("adl.nav.request_valid.") === 0) {
      fail(0);
      return "unknown";
    }
    var found = rule(name);
    if (!found) {
      fail(CODES.undefined, name);
      return "";
    }
    if (found[1] === "w") {
      fail(CODES.writeOnly, name);
      return "";
    }
    if (!Object.prototype.hasOwnProperty.call(values, name)) {
      if (is2004 && name === "adl.nav.request") {
        fail(0);
        return "_none_";
      }
      fail(CODES.notInitialized, name);
      return "";
    }
    fail(0);
    return values[name];
  }

  function setValue(name, value) {
    name = String(name);
    value = value === undefined || value === null ? "" : String(value);
    if (phase === "new") {
      fail(CODES.setBeforeInit);
      return "false";
    }
    if (phase === "done") {
      fail(CODES.setAfterTerminate);
      return "false";
    }
    var last = name.slice(name.lastIndexOf(".") + 1);
    if (last === "_children" || last === "_count" || name === "cmi._version") {
      fail(CODES.readOnly, name);
      return "false";
    }
    var found = rule(name);
    if (!found) {
      fail(CODES.undefined, name);
      return "false";
    }
    if (found[1] === "r") {
      fail(CODES.readOnly, name);
      return "false";
    }
    // Arrays grow one index at a time; a new entry starts with its id (2004).
    var indexes = /\.(\d+)\./g;
    var match;
    while ((match = indexes.exec(name)) !== null) {
      var prefix = name.slice(0, match.index);
      var index = parseInt(match[1], 10);
      var size = count(prefix);
      if (index > size) {
        fail(CODES.setFailure, name);
        return "false";
      }
      var rest = name.slice(match.index + match[0].length);
      if (is2004 && index === size && rest.split(".")[0] !== "id" &&
          /(objectives|interactions)$/.test(prefix)) {
        fail(CODES.dependency, name);
        return "false";
      }
    }
    var check = found[2] || any;
    var verdict = check(value);
    if (verdict !== true) {
      fail(verdict === "range" ? CODES.outOfRange : CODES.typeMismatch, name);
      return "false";
    }
    values[name] = value;
    fail(0);
    return "true";
  }

  function getLastError() {
    return String(lastError);
  }
  function getErrorString(code) {
    return ERROR_TEXT[parseInt(code, 10)] || "";
  }
  function getDiagnostic(code) {
    return code === "" || code === undefined ? lastDiagnostic : getErrorString(code);
  }

  if (is2004) {
    window.API_1484_11 = {
      version: "1.0",
      Initialize: initialize,
      Terminate: terminate,
      GetValue: getValue,
      SetValue: setValue,
      Commit: commit,
      GetLastError: getLastError,
      GetErrorString: getErrorString,
      GetDiagnostic: getDiagnostic
    };
  } else {
    window.API = {
      LMSInitialize: initialize,
      LMSFinish: terminate,
      LMSGetValue: getValue,
      LMSSetValue: setValue,
      LMSCommit: commit,
      LMSGetLastError: getLastError,
      LMSGetErrorString: getErrorString,
      LMSGetDiagnostic: getDiagnostic
    };
  }

  // Leaving the page (back button, closing the tab) ends the session for the SCO, so
  // its time and data are not lost; the report outlives the page (keepalive).
  window.addEventListener("pagehide", function () {
    if (phase === "running") {
      phase = "done";
      report("finish", true);
    }
  });
})();
