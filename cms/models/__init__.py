from .content_version import ContentVersion
from .directory import Location, Organization, Service, ServiceAtLocation
from .geography import Ambito, Municipality, MunicipalityAmbitoChange
from .link_check import LinkCheck
from .pages import GuidelineIndexPage, GuidelinePage, HomePage
from .people import Membership, Role
from .taxonomy import SpokenLanguage, TargetGroup, Theme
from .verification import VerificationEvent, VerificationLink
from .workflow import AmbitoGroupApprovalTask

__all__ = [
    "Ambito",
    "AmbitoGroupApprovalTask",
    "ContentVersion",
    "GuidelineIndexPage",
    "GuidelinePage",
    "HomePage",
    "LinkCheck",
    "Location",
    "Membership",
    "Municipality",
    "MunicipalityAmbitoChange",
    "Organization",
    "Role",
    "Service",
    "ServiceAtLocation",
    "SpokenLanguage",
    "TargetGroup",
    "Theme",
    "VerificationEvent",
    "VerificationLink",
]
