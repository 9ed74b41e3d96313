"""Case files: reviewed cases built from detected networks, with evidence, DISARM techniques,
actors and attributions.

Modules: :mod:`.vocab` (TLP, Admiralty, ICD 203, EEAS categories, the workflow states),
:mod:`.models`, :mod:`.disarm` (loading the DISARM Red framework), :mod:`.workflow`
(:func:`~.workflow.transition` and the version history), :mod:`.evidence`
(:func:`~.evidence.attach_network`) and :mod:`.pseudonyms`.
"""
