"""The default editorial set-up of the directory: group permissions and the moderation workflow.

Applied by a data migration (models are passed in as ``apps`` so that the migration can use it):

* Wagtail's ``Editors`` group may add, change, delete and lock organisations, locations and
  services; its members save drafts and submit them for moderation.
* Wagtail's ``Moderators`` group may also publish, unpublish and unlock them.
* The ``Directory review`` workflow, with one :class:`~cms.models.AmbitoGroupApprovalTask`
  ("Moderators of the ambito"), moderates the three models: a moderator approves only the
  records of the ambiti their editor membership covers.

Administrators change all of this in Settings › Groups and Settings › Workflows.
"""

DIRECTORY_MODELS = ("organization", "location", "service")
EDITOR_ACTIONS = ("add", "change", "delete", "view", "lock")
MODERATOR_ACTIONS = (*EDITOR_ACTIONS, "publish", "unlock")
WORKFLOW_NAME = "Directory review"
TASK_NAME = "Moderators of the ambito"


def _permission(apps, content_type, action, model_name):
    Permission = apps.get_model("auth", "Permission")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_{model_name}",
        defaults={"name": f"Can {action} {model_name}"},
    )
    return permission


def set_up_directory_editing(apps) -> None:
    """Idempotent: grants the permissions and creates the workflow when missing."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    ApprovalTask = apps.get_model("cms", "AmbitoGroupApprovalTask")

    admin_content_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_content_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    content_types = {
        name: ContentType.objects.get_or_create(app_label="cms", model=name)[0] for name in DIRECTORY_MODELS
    }
    groups = {}
    for group_name, actions in (("Editors", EDITOR_ACTIONS), ("Moderators", MODERATOR_ACTIONS)):
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        for name, content_type in content_types.items():
            group.permissions.add(*[_permission(apps, content_type, action, name) for action in actions])
        groups[group_name] = group

    if WorkflowContentType.objects.filter(content_type__in=content_types.values()).exists():
        return  # an administrator has already chosen workflows for the directory
    task_content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="ambitogroupapprovaltask")
    task = ApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = ApprovalTask.objects.create(name=TASK_NAME, content_type=task_content_type, active=True)
        task.groups.set([groups["Moderators"]])
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for content_type in content_types.values():
        WorkflowContentType.objects.create(content_type=content_type, workflow=workflow)
