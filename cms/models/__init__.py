from .geography import Ambito, Municipality, MunicipalityAmbitoChange

__all__ = ["Ambito", "Municipality", "MunicipalityAmbitoChange"]
