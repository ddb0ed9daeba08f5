"""The default narrative, in the three languages, written to the database on first use.

Why data and not gettext: L&D edits these texts on the template page, per language; they
are content, like a path's title in three languages, not interface strings.
"""

from __future__ import annotations

DEFAULTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Learning at work: {month}",
        "intro": (
            "In {month}, {active_learners} colleagues learned with Leerpad "
            "({change_active_pct} against the month before). This report shows what they "
            "did, what it led to, and where we go next."
        ),
        "adoption": (
            "{active_learners} people were active this month: {new_learners} of them for "
            "the first time, {returning_learners} came back. The month before, "
            "{previous_active_learners} people were active."
        ),
        "completions": (
            "{enrolments} new enrolments in learning paths, {completions} paths completed "
            "and {certificates} certificates issued. The path most people followed: {top_path}."
        ),
        "skills": (
            "{skill_people} people showed a skill with evidence ({skill_evidence} pieces of "
            "evidence); {level_ups} reached a higher level than ever before."
        ),
        "campaigns": (
            "{campaign_visitors} people arrived through a campaign; within two weeks "
            "{campaign_enrolled} of them enrolled in a path and {campaign_completed} "
            "completed an activity."
        ),
        "closing": (
            "Most used this month: {top_item}. Figures about people are shown only for "
            "groups of at least {k}."
        ),
    },
    "nl": {
        "title": "Leren op het werk: {month}",
        "intro": (
            "In {month} leerden {active_learners} collega's met Leerpad "
            "({change_active_pct} tegenover de maand ervoor). Dit rapport toont wat ze "
            "deden, wat het opleverde en waar we naartoe gaan."
        ),
        "adoption": (
            "{active_learners} mensen waren actief deze maand: {new_learners} van hen voor "
            "het eerst, {returning_learners} kwamen terug. De maand ervoor waren "
            "{previous_active_learners} mensen actief."
        ),
        "completions": (
            "{enrolments} nieuwe inschrijvingen in leertrajecten, {completions} trajecten "
            "afgerond en {certificates} certificaten uitgereikt. Het traject dat de meeste "
            "mensen volgden: {top_path}."
        ),
        "skills": (
            "{skill_people} mensen toonden een vaardigheid aan met bewijs ({skill_evidence} "
            "bewijsstukken); {level_ups} bereikten een hoger niveau dan ooit tevoren."
        ),
        "campaigns": (
            "{campaign_visitors} mensen kwamen binnen via een campagne; binnen twee weken "
            "schreven {campaign_enrolled} van hen zich in voor een traject en rondden "
            "{campaign_completed} een activiteit af."
        ),
        "closing": (
            "Meest gebruikt deze maand: {top_item}. Cijfers over mensen tonen we alleen voor "
            "groepen van minstens {k}."
        ),
    },
    "fr": {
        "title": "Apprendre au travail : {month}",
        "intro": (
            "En {month}, {active_learners} collègues ont appris avec Leerpad "
            "({change_active_pct} par rapport au mois précédent). Ce rapport montre ce "
            "qu'ils ont fait, ce que cela a donné et la suite."
        ),
        "adoption": (
            "{active_learners} personnes ont été actives ce mois-ci : {new_learners} pour la "
            "première fois, {returning_learners} sont revenues. Le mois précédent, "
            "{previous_active_learners} personnes étaient actives."
        ),
        "completions": (
            "{enrolments} nouvelles inscriptions à des parcours, {completions} parcours "
            "terminés et {certificates} certificats délivrés. Le parcours suivi par le plus "
            "de personnes : {top_path}."
        ),
        "skills": (
            "{skill_people} personnes ont démontré une compétence avec une preuve "
            "({skill_evidence} preuves) ; {level_ups} ont atteint un niveau plus élevé que "
            "jamais."
        ),
        "campaigns": (
            "{campaign_visitors} personnes sont arrivées par une campagne ; en deux semaines, "
            "{campaign_enrolled} d'entre elles se sont inscrites à un parcours et "
            "{campaign_completed} ont terminé une activité."
        ),
        "closing": (
            "Le plus utilisé ce mois-ci : {top_item}. Les chiffres sur les personnes ne sont "
            "montrés que pour des groupes d'au moins {k}."
        ),
    },
}
