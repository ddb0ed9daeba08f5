"""The text of the public privacy page: one entry per purpose Leerpad records data for.

Kept in Python rather than in the template so the summary table and the sections below it
say the same thing, and so the figures (k, the retention period) are filled in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Purpose:
    key: str
    title: str
    recorded: str
    why: str
    who: str
    kept: str
    coming: bool = False
    # Whether admins may open one person's data of this kind (with a recorded reason).
    admins: bool = True


def kept_text(retention_months: int | None, action: str = "anonymise") -> str:
    """How long learning records are kept, as the retention policy set by the admins says."""
    if retention_months and action == "delete":
        return _("%(months)s months after it was recorded; then it is deleted.") % {
            "months": retention_months
        }
    if retention_months:
        return _(
            "%(months)s months after it was recorded; then it is made anonymous: it still "
            "counts in figures, but no longer says who did it."
        ) % {"months": retention_months}
    return _(
        "As long as you have an account: no retention period is set in this Leerpad. "
        "You can ask for your data to be erased."
    )


def purposes(k: int, retention_months: int | None, action: str = "anonymise") -> list[Purpose]:
    """What Leerpad records, why, who sees it and how long it is kept, per purpose."""
    kept = kept_text(retention_months, action)
    account = _("As long as you have an account, or until you ask for erasure.")
    groups = _("L&D sees figures about groups of at least %(k)s people, never about you alone.") % {
        "k": k
    }
    exports = _(
        "L&D may export lists of learning activity without names, under a code that changes "
        "with every export."
    )
    coach = _(
        "Your coach only if you turn on “Sharing with my coach” (you can stop it at any time; "
        "each time your coach looks, you see it in “Who looked at my data”)."
    )
    return [
        Purpose(
            "learning_record",
            _("Learning record (xAPI)"),
            _(
                "What you open, watch, finish and score in Leerpad and in linked courses, "
                "each as a dated line such as “Lena completed Safe lifting”."
            ),
            _(
                "So you can pick up where you left off, so paths and certificates know what "
                "you finished, and so L&D knows which learning is used."
            ),
            _("You. %(coach)s %(groups)s %(exports)s")
            % {"coach": coach, "groups": groups, "exports": exports},
            kept,
        ),
        Purpose(
            "path_progress",
            _("Path progress"),
            _("The paths you joined, the steps you finished, sign-offs and certificates."),
            _("To show your progress, remind you of steps and give you your certificate."),
            _(
                "You. Your coach sees the steps you ask them to sign off, and all your "
                "progress only with sharing turned on. %(groups)s"
            )
            % {"groups": groups},
            account,
        ),
        Purpose(
            "quizzes",
            _("Quizzes"),
            _("Your answers, your score and how many attempts you made."),
            _("To give you feedback and to count a pass towards a path or a skill."),
            _(
                "You. L&D sees how a question was answered only when at least %(k)s people "
                "answered it."
            )
            % {"k": k},
            account,
        ),
        Purpose(
            "skills",
            _("Skills and evidence"),
            _(
                "The level you give yourself for a skill, the evidence Leerpad adds when you "
                "finish learning, and whether you share your skills profile."
            ),
            _("To suggest learning that closes your gaps and to let colleagues find help."),
            _("You. Colleagues only for the skills you chose to share. %(groups)s")
            % {"groups": groups},
            account,
        ),
        Purpose(
            "recommendations",
            _("Recommendations"),
            _("The suggestions you dismissed and the reason you gave."),
            _(
                "To suggest learning that fits you. Suggestions use your own history and "
                "what groups of at least %(k)s colleagues took."
            )
            % {"k": k},
            _("You. %(groups)s") % {"groups": groups},
            account,
        ),
        Purpose(
            "search",
            _("Search insights"),
            _("What you search for and which result you open."),
            _("To improve the search and to find learning that people miss."),
            _(
                "You. L&D sees a search term only when at least %(k)s different people "
                "searched for it."
            )
            % {"k": k},
            kept,
        ),
        Purpose(
            "campaigns",
            _("Campaigns"),
            _(
                "Which campaign messages you received and whether you followed their link "
                "(opening a message is never tracked)."
            ),
            _("To know which invitations to learn work."),
            groups,
            kept,
        ),
        Purpose(
            "safe_voice",
            _("Safe voice"),
            _("Your answers to safe-voice questions, stored without any link to you."),
            _("So you can say what you think about learning without it being traced to you."),
            _(
                "Nobody can link an answer to you, not even an admin with access to the "
                "database. Results are shown for groups of at least %(k)s people."
            )
            % {"k": k},
            _(
                "Questions stay in their space until a facilitator removes them; pulse "
                "answers stay with their pulse. Neither ever says who wrote it."
            ),
            admins=False,
        ),
        Purpose(
            "requests",
            _("Requests to the LD&M team"),
            _("The requests you send the LD&M team, their status and the decision."),
            _("So the team can weigh every request fairly and tell you what it decided."),
            _("You, and the LD&M team and coaches in their workspace."),
            _(
                "As long as the request is useful to the team. If your data is erased, the "
                "request stays without your name."
            ),
        ),
        Purpose(
            "sparks",
            _("Sparks from the field"),
            _(
                "The ideas, stories, questions, photos and videos you send, with your name "
                "and location; photos are stored without their location data."
            ),
            _("So learning and marketing start from what happens on the floor."),
            _(
                "You and the LD&M team. Your name is shown with what it became only if you "
                "agreed to be named."
            ),
            _(
                "As long as it is useful. If your data is erased, sparks nothing came of are "
                "deleted; the others stay without your name, photo or video."
            ),
        ),
        Purpose(
            "assets",
            _("Consent for photos and videos"),
            _(
                "When you appear in a video or photo the company uses: what you agreed to "
                "and until when, or that you withdrew."
            ),
            _("To use a picture of you only as long as and for what you agreed to."),
            _("The LD&M team in the asset library."),
            _(
                "As long as the photo or video exists, as proof of your consent; withdrawing "
                "stops its use at once."
            ),
        ),
    ]
